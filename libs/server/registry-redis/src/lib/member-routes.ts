import { Departures, MessageSink, OnlineUser } from '@duet/server/signaling';
import { usernameKey } from '@duet/shared/protocol';
import { CallView, Envelope } from './envelopes';
import { Handover } from './handover';
import { Member, Members } from './members';
import { RedisCluster } from './redis-cluster';
import { RemoteSink } from './remote-sink';

/** Where a user's session is: Redis' answer to "who holds this name". */
export interface Route {
  readonly key: string;
  readonly name: string;
  readonly inst: string;
  readonly sid: string;
}

const NO_DEPARTURES: Departures = { left: () => undefined, peerLost: () => undefined };

/** Scripts return JSON; Lua's cjson writes an empty list as `{}`. */
export function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/**
 * This instance's users and the way to everyone else's: turns routes into sinks (the session here,
 * or a proxy to another instance), keeps the call cache current from what scripts report, and
 * hands what other instances publish to the sessions here.
 */
export class MemberRoutes {
  readonly members = new Members();
  readonly handover: Handover;
  private departures = NO_DEPARTURES;

  constructor(private readonly cluster: RedisCluster) {
    this.handover = new Handover(cluster, this.members);
  }

  onDeparture(listener: Departures): void {
    this.departures = listener;
  }

  /** The user at `route` with a sink to reach it; undefined if it is on no session here any more. */
  user(route: Route): OnlineUser | undefined {
    const sink = this.sinkFor(route.key, route.inst, route.sid);
    return sink && { username: route.name, sink };
  }

  sinkFor(key: string, inst: string, sid: string): MessageSink | undefined {
    if (inst === this.cluster.id) {
      const member = this.members.session(key, sid);
      if (member) return member.sink;
      // Handed over to another instance a moment ago; Redis may not say so yet.
      inst = this.handover.forwardedTo(sid) ?? inst;
      if (inst === this.cluster.id) return undefined;
    }
    return new RemoteSink(this.cluster.channel, inst, key, sid);
  }

  /** The partner of `member`'s cached call, as a sink: its session here, or the proxy to its instance. */
  peerOf(member: Member): MessageSink | undefined {
    const call = member.call;
    if (call === undefined || call.peerInst === false || call.peerSid === false) return undefined;
    if (call.peerInst === this.cluster.id) {
      const peer = this.members.session(call.peerKey, call.peerSid);
      // A partner just handed over from another instance takes relays through its hold.
      return peer?.holding ? { send: (message) => peer.sink.send(message), relay: (message) => peer.relay(message) } : peer?.sink;
    }
    member.remotePeer ??= new RemoteSink(this.cluster.channel, call.peerInst, call.peerKey, call.peerSid);
    return member.remotePeer;
  }

  /**
   * What a script reported about calls: followed here for this instance's users, published to the
   * others' instances. Posted before the caller goes on to deliver anything about the change, so
   * an instance always learns of a call before it sees a message of it. `force` after a restore:
   * Redis may have started its versions over.
   */
  apply(updates: unknown, force = false): void {
    for (const view of list<CallView>(updates)) {
      if (view.inst === this.cluster.id) this.members.session(view.key, view.sid)?.follow(view, force);
      else this.cluster.channel.post(view.inst, { k: 'c', to: view.key, sid: view.sid, v: view });
    }
  }

  /** Something another instance published for a user here. */
  deliver(envelope: Envelope): void {
    if (this.handover.handle(envelope) || this.handover.forward(envelope)) return;
    switch (envelope.k) {
      case 's': {
        const member = envelope.sid === undefined ? this.members.get(envelope.to) : this.members.session(envelope.to, envelope.sid);
        member?.sink.send(envelope.m);
        return;
      }
      case 'r':
        return this.deliverRelayed(envelope);
      case 'c':
        this.members.session(envelope.to, envelope.sid)?.follow(envelope.v);
        return;
      case 'l': {
        const member = this.members.session(envelope.to, envelope.sid);
        if (member) this.departures.peerLost({ username: member.username, sink: member.sink }, envelope.peer, envelope.callId);
        return;
      }
    }
  }

  /** `username` was released by the cluster; `peer`, its partner in `callId`, is told where it lives. */
  released(username: string, call?: { callId: string; peer: Route }, releasedInstance?: string): void {
    this.departures.left(username);
    if (call === undefined || call.peer.inst === releasedInstance) return;
    const { peer, callId } = call;
    if (peer.inst !== this.cluster.id) {
      this.cluster.channel.post(peer.inst, { k: 'l', to: peer.key, sid: peer.sid, peer: username, callId });
      return;
    }
    const member = this.members.session(peer.key, peer.sid);
    if (member) this.departures.peerLost({ username: member.username, sink: member.sink }, username, callId);
  }

  peerLost(member: Member, peer: string, callId: string): void {
    this.departures.peerLost({ username: member.username, sink: member.sink }, peer, callId);
  }

  private deliverRelayed(envelope: Extract<Envelope, { k: 'r' }>): void {
    const member = this.members.session(envelope.to, envelope.sid);
    if (member === undefined) return;
    const callId = (envelope.m as { callId?: string }).callId;
    // Authorized by the sender's instance from its cache; a call that ended here meanwhile wins.
    if (callId !== undefined && member.call?.id !== callId) return;
    if (member.relay(envelope.m, envelope.fw)) return;
    const sender = (envelope.m as { username?: string }).username;
    if (sender === undefined) return;
    this.cluster.channel.post(envelope.from, {
      k: 's',
      to: usernameKey(sender),
      m: {
        type: 'error',
        code: 'peer-backlogged',
        message: 'the other side is not keeping up; this message was dropped',
        replyTo: envelope.m.type,
      },
    });
  }
}
