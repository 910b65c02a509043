import { MessageSink } from '@duet/server/signaling';
import { Availability, ServerMessage } from '@duet/shared/protocol';
import { CachedCall, CallView } from './envelopes';

/**
 * A user whose session is on this instance. `sid` names the session in Redis and on the wire
 * between instances; it survives a resume (the logical session goes on), so messages already on
 * their way still find it. `call` is this instance's cache of the user's call, at version `cv`.
 */
export class Member {
  call: CachedCall | undefined;
  cv = 0;
  /** What the user said about taking calls, as Redis has it: given back with the name after Redis lost it (`reassert`). */
  availability: Availability = 'available';
  /** The proxy to the call partner's session, when it is on another instance (made once per call). */
  remotePeer: MessageSink | undefined;
  /**
   * While a session handed over from another instance settles (`Handover`): what the partner
   * relays straight here waits until everything it sent through the old instance has arrived.
   */
  private held: ServerMessage[] | undefined;
  private holdTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly key: string,
    readonly username: string,
    readonly sid: string,
    public sink: MessageSink,
    /** Hash of the session's resume token, as Redis has it ('' when the session has none). */
    public tokenHash: string,
  ) {}

  /** Holds relays that do not come through the old instance, for at most `ms`. */
  hold(ms: number): void {
    this.held = [];
    this.holdTimer = setTimeout(() => this.release(), ms);
    this.holdTimer.unref();
  }

  get holding(): boolean {
    return this.held !== undefined;
  }

  /** A relayed message for this user: delivered, or held (see `hold`); false if the backlog refuses it. */
  relay(message: ServerMessage, forwarded = false): boolean {
    if (this.held !== undefined && !forwarded) {
      this.held.push(message);
      return true;
    }
    return this.sink.relay(message);
  }

  /** Delivers what was held, in order, and holds no more. */
  release(): void {
    clearTimeout(this.holdTimer);
    const held = this.held ?? [];
    this.held = undefined;
    for (const message of held) this.sink.relay(message);
  }

  /** Takes `view` if it is newer than what is cached (or, after a restore, whatever it is). */
  follow(view: CallView, force = false): void {
    if (!force && view.cv <= this.cv) return;
    this.cv = view.cv;
    this.call = view.call;
    this.remotePeer = undefined;
  }
}

/**
 * The users this instance serves. By session id for what arrives from other instances (including
 * a claim still in flight), by key for lookups once the claim is confirmed.
 */
export class Members {
  private readonly bySid = new Map<string, Member>();
  private readonly byKey = new Map<string, Member>();

  /** Expected before the claim is confirmed: anything sent to it meanwhile is not lost. */
  expect(member: Member): void {
    this.bySid.set(member.sid, member);
  }

  confirm(member: Member): void {
    this.byKey.set(member.key, member);
  }

  remove(member: Member): void {
    if (this.bySid.get(member.sid) === member) this.bySid.delete(member.sid);
    if (this.byKey.get(member.key) === member) this.byKey.delete(member.key);
  }

  get(key: string): Member | undefined {
    return this.byKey.get(key);
  }

  /** The member with session `sid`, if it is the user `key`. */
  session(key: string, sid: string): Member | undefined {
    const member = this.bySid.get(sid);
    return member?.key === key ? member : undefined;
  }

  withSink(key: string, sink: MessageSink): Member | undefined {
    const member = this.byKey.get(key);
    return member?.sink === sink ? member : undefined;
  }

  all(): Member[] {
    return [...this.byKey.values()];
  }

  get size(): number {
    return this.byKey.size;
  }
}
