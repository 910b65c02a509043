/** Every state a call can be in, exactly as the UI shows it (`data-testid="call-status"`). */
export const CALL_STATES = ['idle', 'calling', 'ringing', 'connecting', 'connected', 'reconnecting', 'ended'] as const;
export type CallState = (typeof CALL_STATES)[number];

/**
 * The legal moves. `ended` is a short resting state so the user sees why the call stopped;
 * it always returns to `idle` (after a delay, or at once when a new call starts).
 */
const TRANSITIONS: Readonly<Record<CallState, readonly CallState[]>> = {
  idle: ['calling', 'ringing'],
  calling: ['connecting', 'ended'],
  ringing: ['connecting', 'ended'],
  connecting: ['connected', 'ended'],
  connected: ['reconnecting', 'ended'],
  reconnecting: ['connected', 'ended'],
  ended: ['idle'],
};

export function canTransition(from: CallState, to: CallState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** States in which a call (ringing, dialling or live) exists. */
export function isInCall(state: CallState): boolean {
  return state !== 'idle' && state !== 'ended';
}
