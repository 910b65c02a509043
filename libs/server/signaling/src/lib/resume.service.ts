import { CallClaim, isGuestUsername, LoginSuccessMessage } from '@duet/shared/protocol';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { CallRules } from './call-rules';
import { MessageSink } from './message-sink';
import { PresenceService } from './presence.service';
import { Session } from './session';
import { SIGNALING_OPTIONS, SignalingOptions } from './signaling-options';
import { ConnectionCounter } from './transport/connection-counter';
import { OnlineUser, UserDirectory } from './user-directory';
import { UserRegistryService } from './user-registry.service';

/**
 * Calls outlive their signaling connection. Media flows peer to peer, so a dropped WebSocket need
 * not end a call:
 * - `park`: a session whose socket dropped keeps its name and call for `resumeWindowMs`; the peer
 *   is told `reconnecting`; messages for the user are kept in order (bounded, `ParkedMessages`).
 *   Only sessions whose client opted in at login are held (a tutorial client cannot resume), and
 *   at most as many per address and in total as the connection caps allow live connections: a
 *   drop past that bound ends its session at once, so dropping and reconnecting in a loop cannot
 *   pile up held sessions beyond what `docs/security.md` states.
 * - `resume`: a new connection that logs in with the session's single-use `resumeToken` takes it
 *   over (name, call, kept messages); the peer is told `reconnected`.
 * - `rejoin`: after a restart the server knows nothing; clients that were in a call log in
 *   claiming it, and the call is restored once both parties claimed the same `callId`.
 * - `peerLost`: in a cluster, the peer's instance died and its users were released; the peer may
 *   come back through another instance, so the survivor claims the call as after a restart.
 * If a window passes, the session (or claim) ends and the peer is told the call ended.
 */
@Injectable()
export class ResumeService implements OnModuleDestroy {
  /** Parked sessions and waiting claims, so shutdown can stop their timers. */
  private readonly parked = new Set<Session>();
  private readonly claimTimers = new Map<MessageSink, ReturnType<typeof setTimeout>>();
  /** Held sessions, per address and in total, against the same figures as live connections. */
  private readonly held: ConnectionCounter;
  private readonly directory: UserDirectory;
  private readonly calls: CallRules;

  constructor(
    registry: UserRegistryService,
    private readonly presence: PresenceService,
    @Inject(SIGNALING_OPTIONS) private readonly options: SignalingOptions,
  ) {
    this.directory = registry;
    this.calls = registry;
    this.held = new ConnectionCounter(options.limits.maxConnections, options.limits.maxConnectionsPerIp);
  }

  get enabled(): boolean {
    return this.options.limits.resumeWindowMs > 0;
  }

  /** How many sessions are held for a resume right now. */
  get heldSessions(): number {
    return this.held.open;
  }

  /**
   * Holds `session` for a resume; `end` runs if nobody takes it over in time. False (nothing
   * held) when its client did not opt in, resume is off, or the bound on held sessions is reached.
   */
  async park(session: Session, end: () => Promise<void>): Promise<boolean> {
    const username = session.username;
    if (username === undefined || !this.enabled || !session.isResumable) return false;
    if (this.held.reserve(session.address) !== 'ok') return false;
    this.parked.add(session);
    session.onRetire(() => {
      this.parked.delete(session);
      this.held.release(session.address);
    });
    session.park(this.options.limits.resumeWindowMs, () => {
      this.parked.delete(session);
      void end();
    });
    const call = await this.calls.callOf(username);
    if (call) (await this.directory.find(call.peer))?.sink.send({ type: 'reconnecting', username, callId: call.callId });
    return true;
  }

  /**
   * `session` logs in as `username` showing `token`: takes the parked (or not yet noticed dead)
   * session over. False when the token is not that session's, and nothing changed.
   */
  async resume(
    session: Session,
    username: string,
    token: string,
    reply: Omit<LoginSuccessMessage, 'username' | 'resumeToken' | 'resumed' | 'call'>,
  ): Promise<boolean> {
    const holder = await this.directory.find(username);
    const previous = holder?.sink;
    if (!holder || previous === session) return false;
    let kept: string[];
    let name: string;
    const connection = previous?.connection;
    if (previous !== undefined && connection !== undefined) {
      if (!connection.acceptsResume(token) || !(await this.directory.replace(username, previous, session))) return false;
      // Retiring it runs the listener `park` set, which lets go of it here.
      kept = connection.retire();
      name = holder.username;
    } else {
      // Parked on another instance of a cluster (the load balancer sent this socket elsewhere).
      const moved = await this.directory.takeOver(username, token, session);
      if (moved === undefined) return false;
      ({ kept, username: name } = moved);
    }
    session.username = name;
    const call = await this.calls.callOf(username);
    session.send({
      ...reply,
      username: name,
      resumeToken: session.resumeToken,
      resumed: true,
      ...(call && { call: { callId: call.callId, otherUsername: call.peer, state: call.state } }),
    });
    // A guest gets no list: what it hears of its inviter comes after (`GuestNotices`).
    if (!isGuestUsername(name)) await this.presence.list(session);
    for (const frame of kept) session.sendFrame(frame);
    if (call) {
      (await this.directory.find(call.peer))?.sink.send({ type: 'reconnected', username: name, callId: call.callId });
    }
    return true;
  }

  /**
   * `user`'s partner in call `callId` was released with its instance: with resume on, `user` is
   * told the partner is reconnecting and waits for it (a claim, as after a restart); otherwise the
   * call is over.
   */
  async peerLost({ username, sink }: OnlineUser, peer: string, callId: string): Promise<void> {
    if (!this.enabled) return sink.send({ type: 'close', username: peer, reason: 'disconnected', callId });
    sink.send({ type: 'reconnecting', username: peer, callId });
    await this.rejoin(sink, username, { callId, otherUsername: peer });
  }

  /** After a fresh login, `session` claims the call it was in before the server lost it. */
  async rejoin(session: MessageSink, username: string, { callId, otherUsername }: CallClaim): Promise<void> {
    const ended = () => session.send({ type: 'close', username: otherUsername, reason: 'disconnected', callId });
    const result = await this.calls.rejoin(username, otherUsername, callId);
    switch (result.outcome) {
      case 'refused':
        return ended();
      case 'restored':
        session.send({ type: 'reconnected', username: result.peer.username, callId });
        result.peer.sink.send({ type: 'reconnected', username, callId });
        return this.presence.callChanged([username, result.peer.username], true);
      case 'waiting': {
        const timer = setTimeout(() => {
          this.claimTimers.delete(session);
          this.calls.abandonClaim(username, callId).then((abandoned) => abandoned && ended(), () => undefined);
        }, this.options.limits.resumeWindowMs);
        timer.unref();
        this.claimTimers.set(session, timer);
        return;
      }
    }
  }

  /** The session ended for good: its claim, if any, waits no more. */
  forget(session: Session): void {
    clearTimeout(this.claimTimers.get(session));
    this.claimTimers.delete(session);
    this.parked.delete(session);
  }

  onModuleDestroy(): void {
    this.parked.forEach((session) => session.retire());
    this.parked.clear();
    this.claimTimers.forEach((timer) => clearTimeout(timer));
    this.claimTimers.clear();
  }
}
