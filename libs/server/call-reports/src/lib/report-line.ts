import { CallReport } from '@duet/shared/protocol';
import { createHash, randomBytes } from 'node:crypto';
import { ReportKey } from './call-report-keys';

/** Differs per process: a call's tag pairs its two reports here, and matches nothing anywhere else. */
const SALT = randomBytes(16);

/**
 * The one log line of an accepted report: the figures, which side sent them, and a tag that pairs
 * the two sides' lines of one call. No name, no address, no call id (the call history and other
 * logs carry call ids beside names: see docs/privacy.md).
 */
export function reportLine(report: CallReport, { callId, role }: ReportKey): Record<string, unknown> {
  const call = createHash('sha256').update(SALT).update(callId).digest('base64url').slice(0, 12);
  return report.part === 'summary'
    ? { msg: 'call report', part: 'summary', call, role, ...report.summary }
    : { msg: 'call report', part: 'rating', call, role, rating: report.rating, tags: report.tags ?? [] };
}
