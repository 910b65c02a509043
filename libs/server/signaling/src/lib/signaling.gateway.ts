import {
  AnswerMessage,
  AvailabilityMessage,
  CandidateMessage,
  CloseMessage,
  DeclineMessage,
  LoginMessage,
  OfferMessage,
  ProtocolViolation,
  SearchMessage,
  TokenMessage,
} from '@duet/shared/protocol';
import { Inject, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { OnGatewayConnection, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { WebSocket } from 'ws';
import { AvailabilityService } from './availability/availability.service';
import { CredentialsService } from './credentials.service';
import { Session } from './session';
import { SIGNALING_OPTIONS, SIGNALING_PATH, SignalingOptions } from './signaling-options';
import { SignalingMetrics } from './signaling-metrics';
import { SignalingService } from './signaling.service';
import { CLOSE_CREDENTIALS_EXPIRED, CLOSE_POLICY_VIOLATION, closeOnPurpose, wasDropped } from './transport/close-intent';
import { directRoutesOf, subscribedMessagesOf } from './transport/direct-routes';
import { PROTOCOL_VIOLATION } from './transport/protocol-violation';
import { Route, SignalingEndpoint } from './transport/signaling-endpoint';
import { UpgradeGuard } from './transport/upgrade-guard';
import { RegistryUnavailableError } from './user-registry.service';

/**
 * The WebSocket edge. Frames arrive here already validated (see `SignalingWsAdapter`); the gateway
 * only finds the caller's session and hands the message to `SignalingService`, in order.
 * Handlers take Nest's default arguments `(socket, message)`: parameter decorators would put a
 * pipe pass (several promises) on every relayed candidate for nothing. The adapter knows it only
 * as a `SignalingEndpoint` (the module provides it under that token).
 */
@WebSocketGateway({ path: SIGNALING_PATH })
export class SignalingGateway implements OnGatewayConnection, SignalingEndpoint {
  readonly path = SIGNALING_PATH;
  private readonly logger = new Logger(SignalingGateway.name);
  private readonly sessions = new WeakMap<WebSocket, Session>();

  constructor(
    private readonly signaling: SignalingService,
    private readonly guard: UpgradeGuard,
    private readonly metrics: SignalingMetrics,
    @Inject(SIGNALING_OPTIONS) private readonly options: SignalingOptions,
    private readonly credentials: CredentialsService,
    private readonly availability: AvailabilityService,
  ) {}

  handleConnection(socket: WebSocket, request?: IncomingMessage): void {
    const identity = this.guard.identityOf(request);
    if (identity === undefined) {
      // Every upgrade passes UpgradeGuard first; a socket that did not is refused, not trusted.
      socket.terminate();
      return;
    }
    const session = new Session(socket, identity, this.guard.addressOf(request));
    this.sessions.set(socket, session);
    this.metrics.connectionOpened();
    session.requireLoginWithin(this.options.limits.loginTimeoutMs, () =>
      closeOnPurpose(socket, CLOSE_POLICY_VIOLATION, 'log in first'),
    );
    session.endWhenCredentialsExpire(() => socket.close(CLOSE_CREDENTIALS_EXPIRED, 'credentials expired'));
    // Not Nest's `handleDisconnect`: how the socket closed decides between ending the session and
    // holding it for a resume, and only the close event carries the code.
    // `on`: a socket's 'close' comes once (`once` would wrap the shared listener per socket).
    socket.on('close', this.onSocketClose);
  }

  /** One listener for every socket (`this` is the socket): no closure per connection. */
  private readonly onSocketClose = ((gateway: SignalingGateway) =>
    function (this: WebSocket, code: number): void {
      gateway.closed(this, code);
    })(this);

  private closed(socket: WebSocket, code: number): void {
    const session = this.sessions.get(socket);
    if (session === undefined) return;
    session.dispose();
    this.metrics.connectionClosed();
    this.dispatch(socket, 'disconnect', () => this.signaling.disconnect(session, { dropped: wasDropped(socket, code) }));
  }

  @SubscribeMessage('login')
  login(socket: WebSocket, message: LoginMessage): void {
    this.dispatch(socket, 'login', (session) => this.signaling.login(session, message));
  }

  @SubscribeMessage('offer')
  relayOffer(socket: WebSocket, message: OfferMessage): void {
    this.dispatch(socket, 'offer', (session) => this.signaling.offer(session, message));
  }

  @SubscribeMessage('answer')
  relayAnswer(socket: WebSocket, message: AnswerMessage): void {
    this.dispatch(socket, 'answer', (session) => this.signaling.answer(session, message));
  }

  @SubscribeMessage('candidate')
  relayCandidate(socket: WebSocket, message: CandidateMessage): void {
    this.dispatch(socket, 'candidate', (session) => this.signaling.candidate(session, message));
  }

  @SubscribeMessage('close')
  hangUp(socket: WebSocket, message: CloseMessage): void {
    this.dispatch(socket, 'close', (session) => this.signaling.close(session, message));
  }

  @SubscribeMessage('decline')
  decline(socket: WebSocket, message: DeclineMessage): void {
    this.dispatch(socket, 'decline', (session) => this.signaling.decline(session, message));
  }

  @SubscribeMessage('search')
  search(socket: WebSocket, message: SearchMessage): void {
    this.dispatch(socket, 'search', (session) => this.signaling.search(session, message));
  }

  @SubscribeMessage('availability')
  setAvailability(socket: WebSocket, message: AvailabilityMessage): void {
    this.dispatch(socket, 'availability', (session) => this.availability.set(session, message));
  }

  @SubscribeMessage('token')
  renewCredentials(socket: WebSocket, message: TokenMessage): void {
    this.dispatch(socket, 'token', (session) => this.credentials.renew(session, message));
  }

  @SubscribeMessage(PROTOCOL_VIOLATION)
  rejectInvalidFrame(socket: WebSocket, violation: ProtocolViolation): void {
    this.dispatch(socket, 'invalid', (session) => this.signaling.reject(session, violation));
  }

  /** Whether `socket` is a connection of this gateway (its session is being kept here). */
  owns(socket: WebSocket): boolean {
    return this.sessions.has(socket);
  }

  /** Every handler above, called directly, unless a guard, interceptor, pipe or filter was bound to it. */
  directRoutes(): ReadonlyMap<string, Route> {
    return directRoutesOf(this);
  }

  /** False once any handler has an enhancer: connections then go through Nest too. */
  routesAllDirect(): boolean {
    const direct = this.directRoutes();
    return subscribedMessagesOf(this).every((message) => direct.has(message));
  }

  /**
   * Runs `task` in the session's queue; a bug in it costs the sender one error reply, nothing
   * more. A registry that cannot decide now (its store unreachable) is an outage, not a bug:
   * `unavailable`. How long it took, from arrival to its last write, is reported under `type`.
   * A task that finishes synchronously (a candidate whose call the registry knows locally) is
   * done before this returns: no promise, no hop through the microtask queue.
   */
  private dispatch(socket: WebSocket, type: string, task: (session: Session) => void | Promise<void>): void {
    const session = this.sessions.get(socket);
    if (session === undefined) return;
    const arrived = performance.now();
    session.enqueue(
      () => {
        const pending = task(session);
        if (pending === undefined) return this.handled(type, arrived);
        return pending.then(() => this.handled(type, arrived));
      },
      (error: unknown) => this.failed(session, type, error),
    );
  }

  private handled(type: string, arrived: number): void {
    this.metrics.messageHandled(type, (performance.now() - arrived) / 1_000);
  }

  private failed(session: Session, type: string, error: unknown): void {
    if (error instanceof RegistryUnavailableError) {
      this.logger.warn({ msg: 'refused: registry unavailable', connection: session.id, type, reason: error.message });
      const message = 'the server cannot reach its directory of users just now; try again in a moment';
      session.send({ type: 'error', code: 'unavailable', message, replyTo: type });
      return;
    }
    this.logger.error({ msg: 'handler failed', connection: session.id, err: error });
    session.send({ type: 'error', code: 'internal', message: 'the server failed to handle that message' });
  }
}
