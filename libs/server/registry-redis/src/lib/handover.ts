import { timingSafeEqual } from 'node:crypto';
import { Envelope } from './envelopes';
import { Member, Members } from './members';
import { randomId, RedisCluster } from './redis-cluster';

/** How long the new instance waits for the old one to hand a session over (it may be dead). */
const REQUEST_TIMEOUT_MS = 2_000;
/** How long relays straight to a handed-over session may wait for those still coming the old way. */
const HOLD_MS = 2_000;
/** How long the old instance passes on what still arrives for a session it handed over. */
const FORWARD_MS = 60_000;

export interface Answer {
  readonly ok: boolean;
  readonly frames: string[];
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && a !== '' && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * A session parked on one instance, resumed through another (behind a load balancer the new
 * socket may land anywhere). Ordering is the hard part: the partner's messages may be on their
 * way to the old instance while new ones could go straight to the new one. So the switch goes
 * through the old instance, which forwards everything, and a barrier keeps the order:
 *
 *   new ──q──> old: hand me session `sid` (token hash); old checks, retires its parked session,
 *   old ──k──> new: ok, with the messages kept for it; from now on old forwards what arrives for it;
 *   old ──p──> partner's instance: your partner lives on `new` now;
 *   partner's instance switches its route, then ──a──> old (after everything it sent old before);
 *   old ──d──> new (after everything it forwarded): relays that came straight to new, held
 *   meanwhile, are delivered. A partner on old itself switches at once.
 *
 * The name's claim moves in Redis (TAKE_OVER) after `k`, checked against the token hash again.
 */
export class Handover {
  private readonly pending = new Map<string, { resolve: (answer: Answer) => void; timer: ReturnType<typeof setTimeout> }>();
  private readonly forwards = new Map<string, { inst: string; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly cluster: RedisCluster,
    private readonly members: Members,
  ) {}

  /** On the new instance: asks `inst` for session `sid` of `key`; `member` (holding) receives meanwhile. */
  request(inst: string, member: Member, tokenHash: string): Promise<Answer> {
    const rid = randomId();
    member.hold(HOLD_MS + REQUEST_TIMEOUT_MS);
    this.members.expect(member);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(rid);
        resolve({ ok: false, frames: [] });
      }, REQUEST_TIMEOUT_MS);
      timer.unref();
      this.pending.set(rid, { resolve, timer });
      this.cluster.channel.post(inst, { k: 'q', to: member.key, sid: member.sid, tok: tokenHash, from: this.cluster.id, rid });
    });
  }

  /** Handles the envelopes of a handover; false for every other kind. */
  handle(envelope: Envelope): boolean {
    switch (envelope.k) {
      case 'q':
        this.giveUp(envelope);
        return true;
      case 'k': {
        const waiting = this.pending.get(envelope.rid);
        this.pending.delete(envelope.rid);
        clearTimeout(waiting?.timer);
        waiting?.resolve({ ok: envelope.ok, frames: envelope.frames });
        return true;
      }
      case 'p': {
        const member = this.members.session(envelope.to, envelope.sid);
        this.switchPartner(member, envelope.peer, envelope.inst);
        this.cluster.channel.post(envelope.from, { k: 'a', to: envelope.peer, sid: envelope.peerSid });
        return true;
      }
      case 'a': {
        const forward = this.forwards.get(envelope.sid);
        if (forward) this.cluster.channel.post(forward.inst, { k: 'd', to: envelope.to, sid: envelope.sid });
        return true;
      }
      case 'd':
        this.members.session(envelope.to, envelope.sid)?.release();
        return true;
      default:
        return false;
    }
  }

  /** On the old instance: passes on anything still addressed to a session it handed over. */
  forward(envelope: Envelope): boolean {
    if (!('sid' in envelope) || envelope.sid === undefined || !('to' in envelope)) return false;
    const forward = this.forwards.get(envelope.sid);
    if (forward === undefined || this.members.session(envelope.to, envelope.sid)) return false;
    this.cluster.channel.post(forward.inst, envelope.k === 'r' ? { ...envelope, fw: true } : envelope);
    return true;
  }

  /** Where session `sid`, handed over from here, lives now (for a while), if it was. */
  forwardedTo(sid: string): string | undefined {
    return this.forwards.get(sid)?.inst;
  }

  close(): void {
    this.pending.forEach(({ resolve, timer }) => {
      clearTimeout(timer);
      resolve({ ok: false, frames: [] });
    });
    this.pending.clear();
    this.forwards.forEach(({ timer }) => clearTimeout(timer));
    this.forwards.clear();
  }

  /** On the old instance: hands the parked session over if the token is its own and nothing was lost. */
  private giveUp(request: Extract<Envelope, { k: 'q' }>): void {
    const member = this.members.session(request.to, request.sid);
    const session = member?.sink.connection;
    if (member === undefined || session === undefined || !session.isResumable || !sameHash(member.tokenHash, request.tok)) {
      this.cluster.channel.post(request.from, { k: 'k', rid: request.rid, ok: false, frames: [] });
      return;
    }
    const frames = session.retire();
    this.members.remove(member);
    const timer = setTimeout(() => this.forwards.delete(member.sid), FORWARD_MS);
    timer.unref();
    this.forwards.set(member.sid, { inst: request.from, timer });
    this.cluster.channel.post(request.from, { k: 'k', rid: request.rid, ok: true, frames });
    const call = member.call;
    if (call === undefined || call.peerInst === false || call.peerSid === false) {
      this.cluster.channel.post(request.from, { k: 'd', to: member.key, sid: member.sid });
    } else if (call.peerInst === this.cluster.id) {
      this.switchPartner(this.members.session(call.peerKey, call.peerSid), member.key, request.from);
      this.cluster.channel.post(request.from, { k: 'd', to: member.key, sid: member.sid });
    } else {
      this.cluster.channel.post(call.peerInst, {
        k: 'p',
        to: call.peerKey,
        sid: call.peerSid,
        peer: member.key,
        peerSid: member.sid,
        inst: request.from,
        from: this.cluster.id,
      });
    }
  }

  /** `member`'s call partner `peer` now lives on `inst`. */
  private switchPartner(member: Member | undefined, peer: string, inst: string): void {
    const call = member?.call;
    if (member === undefined || call === undefined || call.peerKey !== peer) return;
    member.call = { ...call, peerInst: inst };
    member.remotePeer = undefined;
  }
}
