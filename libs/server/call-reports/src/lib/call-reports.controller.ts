import { ConnectionAuthenticator } from '@duet/server/auth';
import { DUET_CONFIG, DuetConfig } from '@duet/server/config';
import { ClientAddress } from '@duet/server/signaling';
import { CALL_REPORTS_PATH, CallReport, CallReportSchema, MAX_CALL_REPORT_BODY_BYTES, usernameKey } from '@duet/shared/protocol';
import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  ForbiddenException,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  Post,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import * as z from 'zod/mini';
import { CallReportKeys, ReportKey } from './call-report-keys';
import { CallReportMetrics } from './call-report-metrics';
import { reportLine } from './report-line';
import { ReportRateLimit } from './report-rate-limit';

/**
 * `POST /api/call-reports`: a party's stats summary of a call, then its rating, each accepted once
 * (204; a repeat 409). The key the server sent the party at answer proves it was in that call
 * (403 otherwise); where connections carry credentials, the same token as the socket's is needed
 * too (401), and it must name the key's party (403). Accepted reports become metrics and one log
 * line; nothing is stored. Refused ones count nowhere.
 */
@Controller(CALL_REPORTS_PATH.slice(1))
export class CallReportsController {
  private readonly logger = new Logger('CallReports');
  private readonly addresses: ClientAddress;

  constructor(
    @Inject(DUET_CONFIG) private readonly config: DuetConfig,
    private readonly authenticator: ConnectionAuthenticator,
    private readonly keys: CallReportKeys,
    private readonly metrics: CallReportMetrics,
    private readonly rateLimit: ReportRateLimit,
  ) {
    this.addresses = new ClientAddress(config.trustProxy);
  }

  @Post()
  @HttpCode(HttpStatus.NO_CONTENT)
  async report(@Req() request: IncomingMessage, @Body() body: unknown): Promise<void> {
    if (!this.config.ops.callReports) throw new NotFoundException('call reports are turned off on this server (CALL_REPORTS=off)');
    if (!this.rateLimit.allow(this.addresses.of(request))) throw new HttpException('too many call reports from your address: try again in a minute', HttpStatus.TOO_MANY_REQUESTS);
    // Nest's JSON parser read the body already (within its own, larger limit); this bounds what is accepted.
    if (Number(request.headers['content-length'] ?? 0) > MAX_CALL_REPORT_BODY_BYTES) {
      throw new PayloadTooLargeException(`a call report may hold at most ${MAX_CALL_REPORT_BODY_BYTES} bytes`);
    }
    const report = parsed(body);
    const identity = await this.authenticator.authenticate(request).catch(() => undefined);
    if (identity === undefined) throw new UnauthorizedException('sign in first: send the token you connect with, as Authorization: Bearer <token>');
    const entry = this.keyFor(report);
    if (identity.username !== undefined && entry.party !== usernameKey(identity.username)) {
      throw new ForbiddenException('this report key was given to the other party of that call');
    }
    this.keys.consume(entry, report.part);
    this.count(report, entry);
  }

  private keyFor({ key, callId, part }: CallReport): ReportKey {
    const check = this.keys.check(key, callId, part);
    switch (check.outcome) {
      case 'unknown':
        throw new ForbiddenException('not a report key this server gave out, or it expired: report a call from the server your app was connected to during it');
      case 'wrong-call':
        throw new ForbiddenException('this report key belongs to another call');
      case 'used':
        throw new ConflictException(`this call's ${part} was already reported from your side`);
      case 'valid':
        return check.entry;
    }
  }

  private count(report: CallReport, entry: ReportKey): void {
    if (report.part === 'summary') {
      entry.path = report.summary.path;
      this.metrics.summary(report.summary);
    } else {
      this.metrics.rated(entry.path, report.rating, report.tags ?? []);
    }
    this.logger.log(reportLine(report, entry));
  }
}

/** The body as `CallReportSchema` wants it, or 400 naming the first thing wrong. */
function parsed(body: unknown): CallReport {
  const result = z.safeParse(CallReportSchema, body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
  throw new BadRequestException(`invalid call report: ${where}: ${problem(issue)}`);
}

/** zod-mini carries no messages of its own ("Invalid input"): say what was wrong. */
function problem(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'object' && issue.path.length === 0 ? 'a JSON object' : issue.expected}`;
    case 'too_big':
      return `at most ${issue.maximum}`;
    case 'too_small':
      return `at least ${issue.minimum}`;
    case 'invalid_union':
    case 'invalid_value':
      return issue.path.at(-1) === 'part' || issue.path.length === 0 ? 'part must be "summary" or "rating"' : 'not one of the allowed values';
    case 'invalid_format':
      return 'not in the expected format';
    default:
      return issue.message;
  }
}
