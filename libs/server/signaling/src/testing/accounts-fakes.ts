import { usernameKey } from '@duet/shared/protocol';
import { CalleeDevices, DeviceRingPush } from '../lib/accounts/callee-devices';
import { CallEnd, CallJournal } from '../lib/accounts/call-journal';

/** What a device heard: a ring, or its end. */
export type DevicePush = ({ kind: 'ring' } & DeviceRingPush) | { kind: 'ring-ended'; callee: string; caller: string; callId: string; missed: boolean };

/** Devices that record every push; `subscribe` gives a user some, `accepting` says how many push services take a ring. */
export class RecordingDevices extends CalleeDevices {
  readonly pushes: DevicePush[] = [];
  private readonly rung: DeviceRingPush[] = [];
  accepting = 1;
  private readonly subscribed = new Set<string>();

  subscribe(username: string): this {
    this.subscribed.add(usernameKey(username));
    return this;
  }

  async reachable(username: string): Promise<boolean> {
    return this.subscribed.has(usernameKey(username));
  }

  async ring(push: DeviceRingPush): Promise<number> {
    this.pushes.push({ kind: 'ring', ...push });
    this.rung.push(push);
    return this.accepting;
  }

  async ringEnded(callee: string, call: { caller: string; callId: string; missed: boolean }): Promise<void> {
    this.pushes.push({ kind: 'ring-ended', callee, ...call });
  }

  /** The last ring pushed: the capability a notification's Decline would send. */
  lastRing(): DeviceRingPush {
    const ring = this.rung.at(-1);
    if (ring === undefined) throw new Error('no ring was pushed');
    return ring;
  }
}

/** A journal that writes down what it is told, in order (times left out: they are the clock's). */
export class RecordingJournal extends CallJournal {
  readonly entries: unknown[][] = [];

  ringing(call: { callId: string; caller: string; callee: string; onDevices: boolean }): void {
    this.entries.push(['ringing', call]);
  }
  continued(ringId: string, callId: string): void {
    this.entries.push(['continued', ringId, callId]);
  }
  answered(callId: string): void {
    this.entries.push(['answered', callId]);
  }
  ended(callId: string, end: CallEnd): void {
    this.entries.push(['ended', callId, end]);
  }
  busy(caller: string, callee: string): void {
    this.entries.push(['busy', caller, callee]);
  }
  declinedByDnd(caller: string, callee: string): void {
    this.entries.push(['declinedByDnd', caller, callee]);
  }
}
