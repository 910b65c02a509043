import { MAX_INVITE_TTL_HOURS } from '@duet/shared/protocol';
import { AccountsApiError } from '../api/accounts-api';

/** The expiry choices, in hours: the server's default first, then an hour, a day, a week. */
export function expiryChoices(defaultTtlHours: number): readonly number[] {
  const all = [defaultTtlHours, 1, 24, 168].filter((hours) => hours > 0 && hours <= MAX_INVITE_TTL_HOURS);
  return [...new Set(all)];
}

/** "1 hour", "3 days", "15 minutes", "20 seconds": how long a link lasts, in words. */
export function durationInWords(hours: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  if (hours >= 24 && Number.isInteger(hours / 24)) return plural(hours / 24, 'day');
  if (hours >= 1 && Number.isInteger(hours)) return plural(hours, 'hour');
  const minutes = Math.round(hours * 60);
  if (minutes >= 1) return plural(minutes, 'minute');
  return plural(Math.max(1, Math.round(hours * 3_600)), 'second');
}

/** When a link expires or was made: date and time in the person's own style. */
export function timeInWords(ms: number): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

export function inviteProblem(action: 'create' | 'list' | 'revoke', error: unknown): string {
  const what = { create: 'The link could not be made', list: 'Your links could not be loaded', revoke: 'The link could not be revoked' }[action];
  if (error instanceof AccountsApiError && error.status === 0) return `${what}: Duet could not be reached. Try again.`;
  if (error instanceof AccountsApiError) return `${what}: ${error.message}`;
  return `${what}. Try again.`;
}

export const INVITE_HINT = 'Anyone with the link can join as your guest and call you, until it expires or you revoke it.';
export const COPIED = 'Copied.';
export const COPY_FAILED = 'Copying did not work here: select the link and copy it yourself.';
export const LINK_REVOKED = 'Revoked: this link no longer works, and any guest who joined with it has been put out.';
