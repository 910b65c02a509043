import { CallOutcome, CallRecord } from '@duet/shared/protocol';

// Every sentence the accounts features show people (call history, missed calls, the push switch).

export const NO_ACCOUNTS =
  'Call history and ringing when Duet is closed need company sign-in; this server lets anyone pick a name.';
export const HISTORY_EMPTY = 'No calls yet.';
export const HISTORY_CLEARED = 'Your call history is cleared.';
export const CLEAR_QUESTION = 'Clear your whole call history? The other side keeps theirs.';
export const PUSH_LABEL = 'Ring this browser when Duet is closed';

export function missedCallsLabel(count: number): string {
  return count === 1 ? '1 missed call' : `${count} missed calls`;
}

/** The outcome as the row's owner lived it: "No answer" for the caller is "Missed" for the callee. */
export function outcomeWords(call: Pick<CallRecord, 'direction' | 'outcome'>): string {
  const incoming = call.direction === 'incoming';
  const words: Record<CallOutcome, [incoming: string, outgoing: string]> = {
    answered: ['Answered', 'Answered'],
    missed: ['Missed', 'No answer'],
    declined: ['You declined', 'Declined'],
    busy: ['Missed: you were in another call', 'Busy in another call'],
    failed: ['Missed: no device of yours could ring', 'Could not reach their devices'],
  };
  return words[call.outcome][incoming ? 0 : 1];
}

export function directionWords(call: Pick<CallRecord, 'direction'>): string {
  return call.direction === 'incoming' ? 'Incoming' : 'Outgoing';
}

/** How long a call lasted, in units (a clock-like "12:34" would read as the time of day beside it). */
export function durationWords(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return minutes > 0 ? `${minutes} min ${seconds} s` : `${seconds} s`;
}

/** When a call started, in the person's own locale and time zone: the time alone today, else the date too. */
export function whenWords(at: number, now: number, locale?: string): string {
  const date = new Date(at);
  const time = date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  if (sameDay(date, new Date(now))) return time;
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (sameDay(date, yesterday)) return `Yesterday ${time}`;
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  const day = date.toLocaleDateString(locale, { day: 'numeric', month: 'short', year: sameYear ? undefined : 'numeric' });
  return `${day}, ${time}`;
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

export function historyProblem(reason: string): string {
  return `Call history could not be loaded (${reason}).`;
}

export function clearProblem(reason: string): string {
  return `Call history could not be cleared (${reason}).`;
}
