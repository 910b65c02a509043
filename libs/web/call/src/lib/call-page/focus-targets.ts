/** What the page shows, as far as focus is concerned. */
export type Screen = 'login' | 'lobby' | 'ringing' | 'stage';

/**
 * Where a person's next step is on each screen, for focus to go when what had it disappears:
 * the name to log in with (or the sign-in's button); the name to call; the answer; the microphone (the call's first control,
 * and harmless to press by accident, unlike hang-up).
 */
export const FOCUS_TARGETS: Record<Screen, string> = {
  login: '[data-testid="username-input"]:not(:disabled), [data-testid="guest-name-input"]:not(:disabled), [data-testid="sign-in-button"]:not(:disabled), .sign-in button',
  lobby: '[data-testid="callee-input"], duet-guest-lobby [data-testid="call-button"]',
  ringing: '[data-testid="accept-button"]',
  stage: '[data-testid="mute-button"]',
};
