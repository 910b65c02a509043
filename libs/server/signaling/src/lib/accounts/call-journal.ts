/** How a call ended, as signaling saw it; the journal turns it into an outcome (answered, missed...). */
export type CallEnd = 'hangup' | 'declined' | 'timeout' | 'disconnected' | 'unreachable';

/**
 * Where every call leaves its record for both parties (call history, issue 24). Signaling reports
 * each step as it happens and never waits: an implementation writes off the signaling path, in the
 * order it was told, and logs (never throws) what it cannot write. Times are ms since the epoch.
 *
 * Outcomes: answered (`answered` came), declined, busy, failed (`unreachable`: no device could be
 * rung), else missed.
 */
export abstract class CallJournal {
  /** Call `callId` rings: `callee` is offline and rung on their devices when `onDevices`. */
  abstract ringing(call: { readonly callId: string; readonly caller: string; readonly callee: string; readonly onDevices: boolean }, at: number): void;
  /** A device ring (`ringId`) was picked up and continues as the registry's call `callId`. */
  abstract continued(ringId: string, callId: string): void;
  abstract answered(callId: string, at: number): void;
  abstract ended(callId: string, end: CallEnd, at: number): void;
  /** `caller` called `callee`, who was in another call: recorded as busy for both at once. */
  abstract busy(caller: string, callee: string, at: number): void;
  /** `caller` called `callee`, who is on do-not-disturb: declined for the caller, missed for the callee, at once. */
  abstract declinedByDnd(caller: string, callee: string, at: number): void;
}

/** No history (`AUTH_MODE=none`, or an application that keeps none). */
export class NoCallJournal extends CallJournal {
  ringing(): void {
    // Nothing kept.
  }
  continued(): void {
    // Nothing kept.
  }
  answered(): void {
    // Nothing kept.
  }
  ended(): void {
    // Nothing kept.
  }
  busy(): void {
    // Nothing kept.
  }
  declinedByDnd(): void {
    // Nothing kept.
  }
}
