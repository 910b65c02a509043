/**
 * What signaling reports for operators to watch, as events; the DI token an operations module
 * replaces with a real implementation (Prometheus, in `@duet/server/ops`). The default does
 * nothing. Labels are bounded sets (message types, error codes, statuses): never a user or an
 * address.
 */
export abstract class SignalingMetrics {
  abstract connectionOpened(): void;
  abstract connectionClosed(): void;
  abstract userLoggedIn(): void;
  abstract userLeft(): void;
  /** A frame was handled (`type` is the message type, or `invalid`) in `seconds`, from arrival to its last write. */
  abstract messageHandled(type: string, seconds: number): void;
  abstract errorSent(code: string): void;
  abstract rateLimited(): void;
  abstract upgradeRefused(status: number): void;
  abstract callRinging(callId: string): void;
  abstract callActive(callId: string): void;
  abstract callEnded(callId: string): void;
}

/** Reports nowhere: every event is dropped (the default where nothing else is provided). */
export class NoSignalingMetrics extends SignalingMetrics {
  connectionOpened = ignore;
  connectionClosed = ignore;
  userLoggedIn = ignore;
  userLeft = ignore;
  messageHandled = ignore;
  errorSent = ignore;
  rateLimited = ignore;
  upgradeRefused = ignore;
  callRinging = ignore;
  callActive = ignore;
  callEnded = ignore;
}

function ignore(): void {
  return undefined;
}
