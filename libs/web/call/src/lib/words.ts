import { LoginFailureMessage, LoginFailureReason, USERNAME_MAX_LENGTH } from '@duet/shared/protocol';
import {
  CallNotice,
  CallState,
  ConnectionProblem,
  ConnectionState,
  InputKind,
  MediaFallback,
  MediaProblem,
} from '@duet/web/rtc';

// Every sentence the call UI shows people lives here, so wording is reviewed (and one day
// translated) in one place. The rtc library only hands over codes and names. The in-call features
// (libs/web/in-call) keep theirs beside their panels, one `*-words.ts` per feature.

/**
 * The server's naming rule (USERNAME_PATTERN in libs/shared/protocol), said once: the login hint,
 * the login error and the call box's error all quote this, so they cannot disagree.
 */
export const NAME_RULE = `1–${USERNAME_MAX_LENGTH} letters, digits, “.”, “_”, “-” or “@”, starting with a letter or digit`;
export const NAME_HINT = `A name is ${NAME_RULE}.`;
export const INVALID_NAME = `Invalid name: a name is ${NAME_RULE}.`;

export const SERVER_UNREACHABLE = 'Server unreachable: reconnecting…';
export const SERVER_UNREACHABLE_IN_CALL = 'Server unreachable: your call goes on while Duet reconnects…';
export const SIGN_IN_AGAIN = 'The server did not accept your sign-in (missing or expired): sign in again.';
export const ORIGIN_REFUSED = 'This server does not accept connections from this page’s address (origin not allowed).';
export const TRY_AGAIN = 'Try again';
/** The in-call flag while our own signaling is down; media goes on peer to peer. */
export const SIGNALING_LOST_IN_CALL = 'No server connection: the call goes on';
export const CALLS_NEED_CONNECTION = 'You are offline: calling works again once the connection is back.';
export const ONLINE_LIST_STALE = 'Offline: this list may be out of date.';
export const CALL_ALREADY_ENDED = 'That call has already ended.';
/** The page was opened from a call's notification (Answer), but the call stopped ringing. */
export const ANSWER_EXPIRED = 'That call has ended.';
export const SOMETHING_WENT_WRONG = 'Something went wrong.';
export const LEAVE_CALL_WARNING = 'Leaving this page ends your call.';

/** A call declined by the server for a callee on do not disturb: the notice, and `call-status`. */
export function notDisturbed(peer: string): string {
  return `${peer} does not want to be disturbed right now`;
}

/** What the availability chooser offers, in its order; `dnd`'s reminder while it is on. */
export const AVAILABILITY_LABELS = { available: 'Available', busy: 'Busy', dnd: 'Do not disturb' } as const;
export const DND_HINT = 'Do not disturb: calls are declined';

export function invalidCallee(name: string): string {
  return `“${name}” is not a valid name: a name is ${NAME_RULE}.`;
}

/**
 * What `call-status` shows; its `data-state` keeps the exact state. `ringingDevices`: while calling,
 * the callee is offline and the server rings their devices (push notifications).
 */
export function callStatusSentence(state: CallState, peer: string | null, ringingDevices = false): string {
  const who = peer ?? 'the other side';
  switch (state) {
    case 'idle':
      return 'Not in a call';
    case 'calling':
      return ringingDevices ? `Ringing ${peer === null ? 'their' : `${peer}’s`} devices…` : `Calling ${who}…`;
    case 'ringing':
      return `${who} is calling you`;
    case 'connecting':
      return `Connecting to ${who}…`;
    case 'connected':
      return `In a call with ${who}`;
    case 'reconnecting':
      return `Reconnecting to ${who}…`;
    case 'ended':
      return 'Call ended';
  }
}

export function connectionLabel(state: ConnectionState, loggedIn: boolean): string {
  switch (state) {
    case 'open':
      return loggedIn ? 'online' : 'not logged in';
    case 'connecting':
      return 'connecting…';
    case 'reconnecting':
      return 'reconnecting…';
    case 'refused':
      return 'not connected';
    case 'closed':
      return loggedIn ? 'offline' : 'not logged in';
  }
}

/** Why the server connection is down, and what happens next. */
export function connectionProblemSentence(problem: ConnectionProblem, inCall: boolean): string {
  switch (problem.kind) {
    case 'unreachable':
      return inCall ? SERVER_UNREACHABLE_IN_CALL : SERVER_UNREACHABLE;
    case 'overloaded': {
      const seconds = Math.max(1, Math.round(problem.retryInMs / 1_000));
      return problem.status === 429
        ? `Too many connections from your network: trying again in about ${seconds} s.`
        : `The server is full or restarting: trying again in about ${seconds} s.`;
    }
    case 'sign-in-required':
      return SIGN_IN_AGAIN;
    case 'origin-refused':
      return ORIGIN_REFUSED;
    case 'access-revoked':
      return 'Your invite was revoked, so this guest session has ended.';
  }
}

/** Under the status while the callee's devices ring: why, and what they see. */
export function ringingDevicesHint(peer: string): string {
  return `${peer} is not in Duet right now, so Duet rings their phones and computers: they can answer from the notification.`;
}

export function peerReconnectingSentence(peer: string): string {
  return `${peer} is reconnecting…`;
}

/**
 * Each reason the server gives for refusing a login (LoginFailureReasonSchema), in words. A Record, so
 * a reason added to the protocol without words here does not compile.
 */
const LOGIN_FAILURES: Record<LoginFailureReason, (serverMessage: string) => string> = {
  taken: () => 'That name is taken: someone online has it (capitals do not count). Pick another.',
  invalid: () => INVALID_NAME,
  forbidden: (serverMessage) => `You are signed in under another name: ${serverMessage}.`,
  // The app tries again by itself (login-retry.ts).
  unavailable: () => 'The server cannot reach its directory of users just now: trying again by itself in a moment…',
};

export function loginFailureSentence(message: Pick<LoginFailureMessage, 'reason' | 'message'>): string {
  return LOGIN_FAILURES[message.reason](message.message);
}

/** A name this tab tried by itself on load (it had used it before) is held by someone: likely another tab. */
export function nameInUseElsewhere(name: string): string {
  return `“${name}” is logged in already, perhaps in another tab of this browser: pick another name for this tab.`;
}

/** The "Sign in with your company" panel (OIDC). */
export const COMPANY_SIGN_IN = {
  title: 'Sign in with your company',
  hint: 'Duet uses your company account: you sign in on your company’s page, then come back here.',
  button: 'Sign in with your company',
  pending: 'Opening your company’s sign-in…',
} as const;

/** The sign-in panel while the name comes from the credentials (a portal's token, a company sign-in). */
export const IDENTITY_SIGN_IN = {
  pending: 'Signing you in…',
  failed: 'Could not sign you in',
  retry: TRY_AGAIN,
  signedOut: 'You are signed out',
  again: 'Sign in again',
  noCredentials: 'Sign in to Duet',
} as const;

/**
 * A refused login with no name (the credentials' own): the same reasons, said without a name
 * field to blame, since the person picked no name.
 */
const IDENTITY_LOGIN_FAILURES: Record<LoginFailureReason, (serverMessage: string) => string> = {
  taken: () => 'You are online in Duet already, perhaps in another tab or browser: close Duet there, then try again.',
  invalid: () => `Your sign-in carries no name Duet can use (a name is ${NAME_RULE}): ask whoever runs Duet.`,
  forbidden: (serverMessage) => `The server refused your sign-in: ${serverMessage}.`,
  unavailable: LOGIN_FAILURES.unavailable,
};

export function identityLoginFailureSentence(message: Pick<LoginFailureMessage, 'reason' | 'message'>): string {
  return IDENTITY_LOGIN_FAILURES[message.reason](message.message);
}

/** Whether a refused login is the name's fault (so the name field is marked invalid), not the server's. */
export function loginFailureBlamesName(reason: LoginFailureReason): boolean {
  return reason !== 'unavailable';
}

const OPEN_OVER_HTTPS =
  'Open Duet over https (run "npm run start:lan" on the server machine and open the https:// address it prints), ' +
  'or at http://localhost on the server machine itself.';

/**
 * Shown from the login page on when the page is not a secure context: what works, what does not
 * and how to fix it, before anyone finds out by trying.
 */
export const INSECURE_CONTEXT_BANNER =
  'This page is not a secure context (plain http on a network address). Here the browser offers no camera, ' +
  'microphone or screen sharing, and no notifications of incoming calls while the tab is hidden. ' +
  'Calls, chat, files and the verification code still work, and you see and hear the other side. ' +
  `To send your own camera and microphone: ${OPEN_OVER_HTTPS.charAt(0).toLowerCase()}${OPEN_OVER_HTTPS.slice(1)}`;

/** Shown from the first page on, and as the login's answer, where the browser has no WebRTC. */
export const NO_WEBRTC =
  'This browser cannot make or take video calls: it has no WebRTC. ' +
  'Open Duet in a current Chrome, Edge, Firefox or Safari.';

const MEDIA_PROBLEMS: Record<MediaProblem, string> = {
  'permission-denied': 'Camera/microphone permission denied.',
  'not-found': 'No camera/microphone found.',
  'in-use': 'The camera or microphone is in use by another application.',
  'insecure-context':
    'This page is not a secure context (plain http on a network address), so the browser offers no camera or microphone. ' +
    OPEN_OVER_HTTPS,
  failed: 'The camera or microphone could not be started.',
};

const FALLBACKS: Record<MediaFallback, string> = {
  'audio-only': 'Joining with audio only.',
  'receive-only': 'You can still see and hear the other side.',
};

const DEVICES: Record<InputKind, string> = { camera: 'camera', microphone: 'microphone' };

export function noticeSentence(notice: CallNotice): string {
  switch (notice.code) {
    case 'declined':
      return `${notice.peer} declined the call.`;
    case 'busy':
      return `${notice.peer} is busy in another call.`;
    case 'dnd':
      return `${notDisturbed(notice.peer)}.`;
    case 'offline':
      return `${notice.peer} is not online.`;
    case 'no-answer':
      return `${notice.peer} did not answer.`;
    case 'missed':
      return `You missed a call from ${notice.peer}.`;
    case 'unreachable':
      return `${notice.peer} is offline and none of their devices could be rung.`;
    case 'answer-expired':
      return ANSWER_EXPIRED;
    case 'hung-up':
      return `${notice.peer} hung up.`;
    case 'cancelled':
      return `${notice.peer} cancelled the call.`;
    case 'peer-disconnected':
      return `${notice.peer} left the call: their page closed, reloaded or lost its connection.`;
    case 'rejoining':
      return `This page reloaded during your call with ${notice.peer}, which ended it: calling ${notice.peer} back.`;
    case 'peer-rejoined':
      return `${notice.peer} reloaded their page and is back: the call goes on.`;
    case 'peer-lost':
      return `${notice.peer} lost their connection and did not come back in time, so the call ended.`;
    case 'call-not-restored':
      return `The call with ${notice.peer} could not be restored after the connection was lost.`;
    case 'connection-failed':
      return `Connection failed: no network path to ${notice.peer} (ICE failed).`;
    case 'media-lost':
      return `Lost the connection to ${notice.peer} and could not restore it, so the call ended.`;
    case 'signaling-offline':
      return CALLS_NEED_CONNECTION;
    case 'setup-failed':
      return 'Could not set up the call.';
    case 'server-lost':
      return 'Lost the connection to the server, so the call ended.';
    case 'self-call':
      return 'You cannot call yourself.';
    case 'already-in-call':
      return 'Hang up before starting another call.';
    case 'server-busy-in-call':
      return 'The server says you are already in a call.';
    case 'not-logged-in':
      return 'You are not logged in. Log in again.';
    case 'rate-limited':
      return 'Too many messages at once: wait a moment and try again.';
    case 'server-error':
      return 'The server could not handle that. Try again.';
    case 'media':
      return `${MEDIA_PROBLEMS[notice.reason]} ${FALLBACKS[notice.fallback]}`;
    case 'device-lost':
      return `Your ${DEVICES[notice.kind]} was disconnected; switched to the default one.`;
    case 'device-failed':
      return `Could not switch ${DEVICES[notice.kind]}: ${MEDIA_PROBLEMS[notice.reason]}`;
    case 'screen-share-failed':
      return `Could not share your screen. ${MEDIA_PROBLEMS[notice.reason]}`;
    case 'cannot-send':
      return `This call started without your ${notice.kind === 'audio' ? 'microphone' : 'camera'}; call again to send it.`;    case 'effect-failed':
      return notice.effect === 'background'
        ? 'Your background effect could not keep up on this device, so it is off: your camera is sent as it is.'
        : 'Noise suppression stopped working, so it is off: your microphone is sent as it is.';
  }
}

/** `m:ss` under an hour, `h:mm:ss` from then on. */
export function formatDuration(totalMs: number): string {
  const seconds = Math.max(0, Math.floor(totalMs / 1_000));
  const h = Math.floor(seconds / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function initialOf(name: string): string {
  return name.charAt(0).toUpperCase();
}

export const INCOMING_TITLE = (caller: string) => `📞 ${caller} is calling – Duet`;
export const NOTIFICATION_TITLE = (caller: string) => `${caller} is calling you`;
export const NOTIFICATION_BODY = 'Open Duet to answer.';
