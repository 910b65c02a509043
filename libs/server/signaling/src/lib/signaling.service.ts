// Over 300 lines: one handler per message type, each a few lines; what ringing devices and the call history do lives in accounts/.
import {
  AnswerMessage,
  CandidateMessage,
  CloseMessage,
  DeclineMessage,
  LoginMessage,
  LoginSuccessMessage,
  OfferMessage,
  ProtocolViolation,
  SEARCH_LIMIT,
  SearchMessage,
  USERNAME_RULE,
  usernameKey,
} from '@duet/shared/protocol';
import { IceServerIssuer } from '@duet/server/ice';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CallRecorder } from './accounts/call-recorder';
import { CallActivation } from './call-activation';
import { DeviceRingService } from './accounts/device-rings.service';
import { AvailabilityService } from './availability/availability.service';
import { CallRules, PartnerResult } from './call-rules';
import { GuestNotices } from './guests/guest-notices';
import { GuestRules, withoutGuests } from './guests/guest-rules';
import { PresenceService } from './presence.service';
import { Replies } from './replies';
import { ResumeService } from './resume.service';
import { RingTimer } from './ring-timer';
import { Session } from './session';
import { SignalingMetrics } from './signaling-metrics';
import { SIGNALING_OPTIONS, SignalingOptions } from './signaling-options';
import { UserDirectory } from './user-directory';
import { RegistryUnavailableError, UserRegistryService } from './user-registry.service';

/** A successful login's reply, before it names the user and the session's token. */
export type LoginReply = Omit<LoginSuccessMessage, 'username' | 'resumeToken' | 'resumed' | 'call'>;

/**
 * What each message does. Every inbound message gets at most one reply to its sender; a refused
 * message changes nothing and reaches no one else. The server, never the client, names the sender
 * on everything it relays, and names the call (`callId`) on everything about one.
 */
@Injectable()
export class SignalingService {
  private readonly logger = new Logger(SignalingService.name);
  private readonly directory: UserDirectory;
  private readonly calls: CallRules;
  private readonly replies: Replies;

  constructor(
    registry: UserRegistryService,
    private readonly presence: PresenceService,
    private readonly resumption: ResumeService,
    private readonly ice: IceServerIssuer,
    private readonly metrics: SignalingMetrics,
    @Inject(SIGNALING_OPTIONS) private readonly options: SignalingOptions,
    rings: RingTimer,
    private readonly recorder: CallRecorder,
    private readonly deviceRings: DeviceRingService,
    private readonly guestRules: GuestRules,
    private readonly guestNotices: GuestNotices,
    private readonly availability: AvailabilityService,
    private readonly activation: CallActivation,
  ) {
    this.directory = registry;
    this.calls = registry;
    this.replies = new Replies(metrics);
    rings.onExpiry((callId) => this.timeOut(callId));
    // Users whose instance died are released by another one: the same news as a session ending.
    registry.onDeparture({
      left: (username) => Promise.all([this.presence.withdraw(username), this.guestNotices.left(username)]).catch((error: unknown) => this.logFailure('presence', error)),
      peerLost: (user, peer, callId) =>
        this.resumption.peerLost(user, peer, callId).catch((error: unknown) => this.logFailure('departure', error)),
    });
  }

  async login(session: Session, { username: asked, resume, resumeToken, call }: LoginMessage): Promise<void> {
    if (session.username !== undefined) {
      return this.replies.refuse(session, 'already-logged-in', `already logged in as ${session.username}`, 'login');
    }
    const allowed = session.identity.username;
    // Credentials that name the user make the name optional: the client need not know it.
    const username = asked ?? allowed;
    if (username === undefined) {
      const message = `username: required, as this connection's credentials name no user; it ${USERNAME_RULE}`;
      return session.send({ type: 'login', success: false, reason: 'invalid', message });
    }
    if (allowed !== undefined && usernameKey(allowed) !== usernameKey(username)) {
      return session.send({
        type: 'login',
        success: false,
        reason: 'forbidden',
        message: `this connection is authenticated as ${allowed} and may only log in as ${allowed}`,
      });
    }
    const refusal = this.guestRules.loginRefusal(session, username, resumeToken !== undefined);
    if (refusal !== undefined) return session.send(refusal);
    const { iceServers, iceTransportPolicy, renewAfterMs } = this.ice.issue(username);
    // Resume is an addition: only a client that says it can resume is held after a drop.
    session.resumable = resume === true || resumeToken !== undefined;
    const reply: LoginReply = {
      type: 'login',
      success: true,
      iceServers,
      iceTransportPolicy,
      ...(this.options.maxVideoBitrateKbps !== undefined && { maxVideoBitrateKbps: this.options.maxVideoBitrateKbps }),
      ...(session.resumable && {
        resumeWindowMs: this.options.limits.resumeWindowMs,
        ringTimeoutMs: this.options.limits.ringTimeoutMs,
      }),
    };
    try {
      if (resumeToken !== undefined && (await this.resumption.resume(session, username, resumeToken, reply))) {
        this.logger.log({ msg: 'resumed', connection: session.id, user: username });
        this.renewIceServers(session, username, renewAfterMs);
        return this.guestNotices.loggedIn(session, true);
      }
      if (!(await this.directory.register(username, session))) {
        return session.send({ type: 'login', success: false, reason: 'taken', message: `${username} is taken` });
      }
    } catch (error) {
      if (!(error instanceof RegistryUnavailableError)) throw error;
      return session.send({
        type: 'login',
        success: false,
        reason: 'unavailable',
        message: 'the server cannot reach its directory of users just now; try again in a moment',
      });
    }
    session.username = username;
    this.logger.log({ msg: 'logged in', connection: session.id, user: username });
    this.metrics.userLoggedIn();
    session.send({ ...reply, username, ...(session.resumable && { resumeToken: session.resumeToken }), resumed: false });
    this.renewIceServers(session, username, renewAfterMs);
    await this.presence.announce(username, session);
    await this.guestNotices.loggedIn(session, false);
    if (call !== undefined) await this.resumption.rejoin(session, username, call);
    await this.deviceRings.pickUp(session, username);
  }

  async offer(session: Session, { offer, otherUsername, callId, rejoin }: OfferMessage): Promise<void> {
    const from = this.replies.requireLogin(session, 'offer');
    if (from === undefined) return;
    if (usernameKey(from) === usernameKey(otherUsername)) {
      return this.replies.refuse(session, 'self-call', 'you cannot call yourself', 'offer');
    }
    if (!this.guestRules.mayOffer(session, from, otherUsername)) return;
    if (await this.availability.declinedForCallee(session, from, otherUsername, callId)) return;
    // Only an offer naming no call can start one; either party may be ringing someone's devices.
    const ringingDevices = callId === undefined ? await this.deviceRings.busy(from, otherUsername) : undefined;
    const result = ringingDevices ? { outcome: `${ringingDevices}-busy` as const } : await this.calls.offer(from, otherUsername, callId);
    switch (result.outcome) {
      case 'stale':
        return this.replies.stale(session, 'offer');
      case 'callee-offline':
        if (await this.deviceRings.ring(session, from, otherUsername, offer)) return;
        return this.replies.refuse(session, 'user-offline', `${otherUsername} is not online`, 'offer');
      case 'caller-busy':
        return this.replies.refuse(session, 'already-in-call', 'hang up your current call first', 'offer');
      case 'callee-busy':
        this.recorder.busy(from, otherUsername);
        return session.send({ type: 'decline', username: otherUsername, reason: 'busy' });
      case 'offer-pending':
        return this.replies.refuse(session, 'offer-pending', `${otherUsername} has not answered your offer yet`, 'offer');
      case 'ringing':
        this.recorder.started({ callId: result.callId, caller: from, callee: result.callee.username });
        session.send({ type: 'ringing', username: result.callee.username, callId: result.callId });
        // `rejoin` is the callee's business (a page calling back after a reload): relayed as sent.
        this.replies.relay(
          session,
          result.callee.sink,
          { type: 'offer', offer, username: from, callId: result.callId, ...(rejoin === undefined ? {} : { rejoin }) },
          'offer',
        );
        return this.presence.callChanged([from, result.callee.username], true);
      case 'in-call':
        // Renegotiation, or glare: both called each other; the call they share carries it.
        return this.replies.relay(session, result.callee.sink, { type: 'offer', offer, username: from, callId: result.callId }, 'offer');
    }
  }

  async answer(session: Session, { answer, otherUsername, callId }: AnswerMessage): Promise<void> {
    const from = this.replies.requireLogin(session, 'answer');
    if (from === undefined) return;
    const result = await this.calls.accept(from, otherUsername, callId);
    switch (result.outcome) {
      case 'stale':
        return this.replies.stale(session, 'answer');
      case 'not-in-call':
        return this.replies.notInCall(session, otherUsername, 'answer');
      case 'no-offer':
        return this.replies.refuse(session, 'no-offer', `you hold no offer from ${otherUsername} to answer`, 'answer');
      case 'accepted':
        this.recorder.answered(result.callId);
        this.replies.relay(session, result.peer.sink, { type: 'answer', answer, username: from, callId: result.callId }, 'answer');
        return this.activation.activated(result.callId, [{ username: from, sink: session }, result.peer]);
    }
  }

  /** The hottest path: synchronous when the registry knows the call locally (see `partnerInCall`). */
  candidate(session: Session, message: CandidateMessage): void | Promise<void> {
    const from = this.replies.requireLogin(session, 'candidate');
    if (from === undefined) return;
    const result = this.calls.partnerInCall(from, message.otherUsername, message.callId);
    if (result instanceof Promise) return result.then((known) => this.relayCandidate(session, from, message, known));
    this.relayCandidate(session, from, message, result);
  }

  private relayCandidate(session: Session, from: string, { candidate, otherUsername }: CandidateMessage, result: PartnerResult): void {
    if (result.outcome === 'stale') return this.replies.stale(session, 'candidate');
    if (result.outcome === 'not-in-call') return this.replies.notInCall(session, otherUsername, 'candidate');
    this.replies.relay(session, result.peer.sink, { type: 'candidate', candidate, username: from, callId: result.callId }, 'candidate');
  }

  async close(session: Session, { otherUsername, callId }: CloseMessage): Promise<void> {
    const from = this.replies.requireLogin(session, 'close');
    if (from === undefined || (await this.deviceRings.cancel(from, otherUsername, callId))) return;
    const unanswered = await this.recorder.unansweredFrom(from);
    const result = await this.calls.hangUp(from, otherUsername, callId);
    if (result.outcome === 'stale') return this.replies.stale(session, 'close');
    if (result.outcome === 'not-in-call') return this.replies.notInCall(session, otherUsername, 'close');
    this.recorder.ended(result.callId, 'hangup', unanswered);
    (await this.directory.find(result.peer))?.sink.send({ type: 'close', username: from, reason: 'hangup', callId: result.callId });
    await this.presence.callChanged([from, result.peer], false);
  }

  async decline(session: Session, { otherUsername, reason, callId }: DeclineMessage): Promise<void> {
    const from = this.replies.requireLogin(session, 'decline');
    if (from === undefined) return;
    const result = await this.calls.decline(from, otherUsername, callId);
    if (result.outcome === 'stale') return this.replies.stale(session, 'decline');
    if (result.outcome === 'not-ringing') {
      return this.replies.refuse(session, 'not-in-call', `no call from ${otherUsername} is ringing`, 'decline');
    }
    this.recorder.ended(result.callId, 'declined');
    (await this.directory.find(otherUsername))?.sink.send({
      type: 'decline',
      username: from,
      reason: reason ?? 'declined',
      callId: result.callId,
    });
    await this.presence.callChanged([from, otherUsername], false);
  }

  /**
   * The socket closed. A clean close ends the session at once; a drop (`dropped`) holds it for a
   * resume when the client opted in and resuming is on (see `ResumeService.park`), else ends it.
   */
  async disconnect(session: Session, { dropped }: { dropped: boolean }): Promise<void> {
    if (session.username === undefined || session.isRetired) return;
    // Runs from a timer, where nobody awaits it: a registry outage then must not crash the process.
    const endLater = () => this.end(session).catch((error: unknown) => this.logFailure('ending an unresumed session', error));
    if (dropped && (await this.resumption.park(session, endLater))) return;
    return this.end(session);
  }

  /** The session is over: free the name, end the call, tell whoever needs to know. */
  private async end(session: Session): Promise<void> {
    const username = session.username;
    if (username === undefined) return;
    session.retire();
    this.resumption.forget(session);
    await this.deviceRings.cancel(username);
    const unanswered = await this.recorder.unansweredFrom(username);
    const ended = await this.directory.unregister(username, session);
    this.logger.log({ msg: 'left', connection: session.id, user: username });
    this.metrics.userLeft();
    if (ended !== undefined) {
      this.recorder.ended(ended.callId, 'disconnected', unanswered);
      (await this.directory.find(ended.peer))?.sink.send({ type: 'close', username, reason: 'disconnected', callId: ended.callId });
      await this.presence.callChanged([ended.peer], false);
    }
    await this.presence.withdraw(username);
    await this.guestNotices.left(username);
  }

  /** Sends `session` fresh ICE servers before its TURN credentials expire, as long as it lasts. */
  private renewIceServers(session: Session, username: string, afterMs: number | undefined): void {
    if (afterMs === undefined) return;
    session.every(afterMs, () => {
      const { iceServers, iceTransportPolicy } = this.ice.issue(username);
      session.send({ type: 'ice-servers', iceServers, iceTransportPolicy });
    });
  }

  /** The ring timer fired: ends the call if it still rings, and tells both sides. */
  private async timeOut(callId: string): Promise<void> {
    try {
      const parties = await this.calls.expire(callId);
      if (parties === undefined) return;
      this.recorder.ended(callId, 'timeout', { callId, ...parties });
      const [caller, callee] = await Promise.all([this.directory.find(parties.caller), this.directory.find(parties.callee)]);
      caller?.sink.send({ type: 'close', username: parties.callee, reason: 'timeout', callId });
      callee?.sink.send({ type: 'close', username: parties.caller, reason: 'timeout', callId });
      await this.presence.callChanged([parties.caller, parties.callee], false);
    } catch (error) {
      this.logFailure('ring timeout', error);
    }
  }

  /** Up to `SEARCH_LIMIT` online names starting with `prefix`: the directory past the presence list. */
  async search(session: Session, { prefix }: SearchMessage): Promise<void> {
    if (this.replies.requireLogin(session, 'search') === undefined || !this.guestRules.maySearch(session)) return;
    const { users, more } = withoutGuests(await this.directory.search(prefix, SEARCH_LIMIT));
    const busy = await this.directory.busyAmong(users);
    const statuses = await this.availability.statusesOf(users);
    session.send({ type: 'search', prefix, users: [...users], more, ...(busy.length > 0 && { busy: [...busy] }), ...statuses });
  }

  private logFailure(what: string, error: unknown): void {
    if (error instanceof RegistryUnavailableError) this.logger.warn(`${what}: ${error.message}`);
    else this.logger.error(`${what} failed: ${error instanceof Error ? error.stack : String(error)}`);
  }

  /** A frame that is not a valid message. An invalid `login` is answered as a failed login. */
  async reject(session: Session, { code, message, replyTo }: ProtocolViolation): Promise<void> {
    if (replyTo === 'login' && session.username === undefined && code === 'invalid-message') {
      return session.send({ type: 'login', success: false, reason: 'invalid', message });
    }
    this.replies.refuse(session, code, message, replyTo);
  }
}
