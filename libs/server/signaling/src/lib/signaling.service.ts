import {
  AnswerMessage,
  CandidateMessage,
  CloseMessage,
  DeclineMessage,
  ErrorCode,
  LoginMessage,
  OfferMessage,
  ProtocolViolation,
  ServerMessage,
  usernameKey,
} from '@duet/shared/protocol';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { MessageSink } from './message-sink';
import { PresenceService } from './presence.service';
import { Session } from './session';
import { SIGNALING_OPTIONS, SignalingOptions } from './signaling-options';
import { UserRegistryService } from './user-registry.service';

/**
 * What each message does. Every inbound message gets at most one reply to its sender; a refused
 * message changes nothing and reaches no one else. The server, never the client, names the sender
 * on everything it relays.
 */
@Injectable()
export class SignalingService implements OnModuleDestroy {
  private readonly logger = new Logger(SignalingService.name);
  /** Ring timeouts armed and not yet fired, by call id: cleared on shutdown so none fires after it. */
  private readonly ringTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly registry: UserRegistryService,
    private readonly presence: PresenceService,
    @Inject(SIGNALING_OPTIONS) private readonly options: SignalingOptions,
  ) {}

  async login(session: Session, { username }: LoginMessage): Promise<void> {
    if (session.username !== undefined) {
      return this.refuse(session, 'already-logged-in', `already logged in as ${session.username}`, 'login');
    }
    const allowed = session.identity.username;
    if (allowed !== undefined && usernameKey(allowed) !== usernameKey(username)) {
      return session.send({
        type: 'login',
        success: false,
        reason: 'forbidden',
        message: `this connection is authenticated as ${allowed} and may only log in as ${allowed}`,
      });
    }
    if (!(await this.registry.register(username, session))) {
      return session.send({ type: 'login', success: false, reason: 'taken', message: `${username} is taken` });
    }
    session.username = username;
    this.logger.log(`${username} logged in`);
    session.send({ type: 'login', success: true, username, iceServers: [...this.options.iceServers] });
    await this.presence.announce(username, session);
  }

  async offer(session: Session, { offer, otherUsername }: OfferMessage): Promise<void> {
    const from = this.requireLogin(session, 'offer');
    if (from === undefined) return;
    if (usernameKey(from) === usernameKey(otherUsername)) {
      return this.refuse(session, 'self-call', 'you cannot call yourself', 'offer');
    }
    const result = await this.registry.offer(from, otherUsername);
    switch (result.outcome) {
      case 'callee-offline':
        return this.refuse(session, 'user-offline', `${otherUsername} is not online`, 'offer');
      case 'caller-busy':
        return this.refuse(session, 'already-in-call', 'hang up your current call first', 'offer');
      case 'callee-busy':
        return session.send({ type: 'decline', username: otherUsername, reason: 'busy' });
      case 'offer-pending':
        return this.refuse(session, 'offer-pending', `${otherUsername} has not answered your offer yet`, 'offer');
      case 'ringing':
        this.expireUnanswered(result.callId);
        return this.relay(session, result.callee.sink, { type: 'offer', offer, username: from }, 'offer');
      case 'in-call':
        // Renegotiation, or glare: both called each other; the call they share carries it.
        return this.relay(session, result.callee.sink, { type: 'offer', offer, username: from }, 'offer');
    }
  }

  async answer(session: Session, { answer, otherUsername }: AnswerMessage): Promise<void> {
    const from = this.requireLogin(session, 'answer');
    if (from === undefined) return;
    const result = await this.registry.accept(from, otherUsername);
    if (result.outcome === 'not-in-call') return this.notInCall(session, otherUsername, 'answer');
    if (result.outcome === 'no-offer') {
      return this.refuse(session, 'no-offer', `you hold no offer from ${otherUsername} to answer`, 'answer');
    }
    this.relay(session, result.peer.sink, { type: 'answer', answer, username: from }, 'answer');
  }

  async candidate(session: Session, { candidate, otherUsername }: CandidateMessage): Promise<void> {
    const from = this.requireLogin(session, 'candidate');
    if (from === undefined) return;
    const peer = await this.registry.partnerInCall(from, otherUsername);
    if (peer === undefined) return this.notInCall(session, otherUsername, 'candidate');
    this.relay(session, peer.sink, { type: 'candidate', candidate, username: from }, 'candidate');
  }

  async close(session: Session, { otherUsername }: CloseMessage): Promise<void> {
    const from = this.requireLogin(session, 'close');
    if (from === undefined) return;
    const peer = await this.registry.hangUp(from, otherUsername);
    if (peer === undefined) {
      return this.notInCall(session, otherUsername, 'close');
    }
    (await this.registry.find(peer))?.sink.send({ type: 'close', username: from, reason: 'hangup' });
  }

  async decline(session: Session, { otherUsername, reason }: DeclineMessage): Promise<void> {
    const from = this.requireLogin(session, 'decline');
    if (from === undefined) return;
    if (!(await this.registry.decline(from, otherUsername))) {
      return this.refuse(session, 'not-in-call', `no call from ${otherUsername} is ringing`, 'decline');
    }
    (await this.registry.find(otherUsername))?.sink.send({
      type: 'decline',
      username: from,
      reason: reason ?? 'declined',
    });
  }

  /** The socket is gone: free the name at once, end the call, tell whoever needs to know. */
  async disconnect(session: Session): Promise<void> {
    const username = session.username;
    if (username === undefined) return;
    const peer = await this.registry.unregister(username, session);
    this.logger.log(`${username} left`);
    if (peer !== undefined) {
      (await this.registry.find(peer))?.sink.send({ type: 'close', username, reason: 'disconnected' });
    }
    await this.presence.withdraw(username);
  }

  /** Ends the call if it still rings when the timeout fires, and tells both sides. */
  private expireUnanswered(callId: string): void {
    const timer = setTimeout(() => {
      this.ringTimers.delete(callId);
      this.registry
        .expire(callId)
        .then(async (parties) => {
          if (parties === undefined) return;
          const [caller, callee] = await Promise.all([this.registry.find(parties.caller), this.registry.find(parties.callee)]);
          caller?.sink.send({ type: 'close', username: parties.callee, reason: 'timeout' });
          callee?.sink.send({ type: 'close', username: parties.caller, reason: 'timeout' });
        })
        .catch((error: unknown) => this.logger.error(`ring timeout failed: ${String(error)}`));
    }, this.options.limits.ringTimeoutMs);
    timer.unref();
    this.ringTimers.set(callId, timer);
  }

  onModuleDestroy(): void {
    this.ringTimers.forEach((timer) => clearTimeout(timer));
    this.ringTimers.clear();
  }

  /** A frame that is not a valid message. An invalid `login` is answered as a failed login. */
  async reject(session: Session, { code, message, replyTo }: ProtocolViolation): Promise<void> {
    if (replyTo === 'login' && session.username === undefined && code === 'invalid-message') {
      return session.send({ type: 'login', success: false, reason: 'invalid', message });
    }
    this.refuse(session, code, message, replyTo);
  }

  /** Delivers what one user sent another, unless the recipient is too far behind to take it. */
  private relay(session: Session, to: MessageSink, message: ServerMessage, replyTo: string): void {
    if (to.relay(message)) return;
    this.refuse(session, 'peer-backlogged', 'the other side is not keeping up; this message was dropped', replyTo);
  }

  private requireLogin(session: Session, replyTo: string): string | undefined {
    if (session.username === undefined) {
      this.refuse(session, 'not-logged-in', 'log in first', replyTo);
    }
    return session.username;
  }

  private notInCall(session: Session, otherUsername: string | undefined, replyTo: string): void {
    const whom = otherUsername === undefined ? 'anyone' : otherUsername;
    this.refuse(session, 'not-in-call', `you are not in a call with ${whom}`, replyTo);
  }

  private refuse(session: Session, code: ErrorCode, message: string, replyTo?: string): void {
    session.send(replyTo === undefined ? { type: 'error', code, message } : { type: 'error', code, message, replyTo });
  }
}
