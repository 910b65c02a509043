import { DestroyRef, Injectable, InjectionToken, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ClientMessage, IceServer, LoginFailureMessage, ServerMessage, parseServerFrame } from '@duet/shared/protocol';
import { BehaviorSubject, Observable, Subject, filter } from 'rxjs';
import { ACCESS_TOKEN, SIGNALING_URL, WEB_SOCKET_FACTORY, signalingProtocols } from './rtc-environment';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** `logging-in` from sending a name until the server answers; a refusal goes back to `logged-out`. */
export type LoginState = 'logged-out' | 'logging-in' | 'logged-in';

export type ServerMessageType = ServerMessage['type'];
export type ServerMessageOf<K extends ServerMessageType> = Extract<ServerMessage, { type: K }>;

/** Who the server says we are, and the ICE servers it handed out at login. */
export interface SignalingSession {
  username: string;
  iceServers: IceServer[];
}

export interface ReconnectPolicy {
  /** Delay ceiling of the first retry; doubles per failed attempt. Default 500 ms. */
  initialDelayMs: number;
  /** Upper bound of any delay, so a long outage is retried at a sane rate. Default 10 s. */
  maxDelayMs: number;
}

export const RECONNECT_POLICY = new InjectionToken<ReconnectPolicy>('RECONNECT_POLICY', {
  providedIn: 'root',
  factory: () => ({ initialDelayMs: 500, maxDelayMs: 10_000 }),
});

/**
 * Exponential backoff with "equal jitter": a random delay in the upper half of the attempt's
 * ceiling, so clients dropped by one server restart do not all come back in the same instant.
 */
export function reconnectDelayMs(attempt: number, policy: ReconnectPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** attempt);
  return ceiling / 2 + (random() * ceiling) / 2;
}

const OPEN = 1; // WebSocket.OPEN, without relying on the global in tests

/**
 * The one WebSocket to the server. Connection states:
 *
 *   closed -> connecting -> open -> reconnecting -> open -> ...
 *   (connecting fails) -> reconnecting;   any -> closed only via disconnect()
 *
 * While reconnecting it retries with backoff; once open again it logs back in with the last
 * name that logged in successfully (or is still waiting for an answer).
 *
 * Every server message type has exactly one owner: this client owns `login`; other services
 * `claim()` theirs (a second claim of a type throws), so no message is handled in two places.
 */
@Injectable({ providedIn: 'root' })
export class SignalingClient {
  private readonly url = inject(SIGNALING_URL);
  private readonly createSocket = inject(WEB_SOCKET_FACTORY);
  private readonly protocols = signalingProtocols(inject(ACCESS_TOKEN));
  private readonly policy = inject(RECONNECT_POLICY);

  private readonly messagesSubject = new Subject<ServerMessage>();
  private readonly connectionStateSubject = new BehaviorSubject<ConnectionState>('closed');
  private readonly sessionSubject = new BehaviorSubject<SignalingSession | null>(null);
  private readonly loginStateSubject = new BehaviorSubject<LoginState>('logged-out');
  private readonly loginFailuresSubject = new Subject<LoginFailureMessage>();
  private readonly owners = new Set<ServerMessageType>(['login']);

  readonly connectionState$: Observable<ConnectionState> = this.connectionStateSubject.asObservable();
  readonly session$: Observable<SignalingSession | null> = this.sessionSubject.asObservable();
  /** The server refused a name (taken, invalid, or not the one the connection authenticated as). */
  readonly loginFailures$: Observable<LoginFailureMessage> = this.loginFailuresSubject.asObservable();
  readonly connectionState = toSignal(this.connectionState$, { requireSync: true });
  readonly session = toSignal(this.session$, { requireSync: true });
  readonly loginState = toSignal(this.loginStateSubject, { requireSync: true });

  private socket: WebSocket | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private failedAttempts = 0;
  /** The name to (re-)login with; cleared when the server refuses it. */
  private username: string | null = null;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.disconnect());
  }

  /** Opens the socket unless it is open or a reconnect is already scheduled. */
  connect(): void {
    if (this.socket || this.reconnectTimer) return;
    this.openSocket('connecting');
  }

  /**
   * The messages of `types`, for their one owner. Throws if another service already owns one of
   * them: two handlers of one message type is the bug this guards against.
   */
  claim<K extends ServerMessageType>(...types: K[]): Observable<ServerMessageOf<K>> {
    for (const type of types) {
      if (this.owners.has(type)) throw new Error(`server message "${type}" already has an owner`);
      this.owners.add(type);
    }
    const claimed = new Set<ServerMessageType>(types);
    return this.messagesSubject.pipe(
      filter((message): message is ServerMessageOf<K> => claimed.has(message.type)),
    );
  }

  /** Logs in now if the socket is open, else as soon as it opens. */
  logIn(username: string): void {
    this.username = username;
    this.loginStateSubject.next('logging-in');
    if (this.isOpen()) {
      this.send({ type: 'login', username });
    } else {
      this.connect();
    }
  }

  /** Sends if the socket is open. Returns false (and sends nothing) otherwise: stale signaling is worthless. */
  send(message: ClientMessage): boolean {
    if (!this.socket || !this.isOpen()) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Closes for good: no reconnect, no re-login. */
  disconnect(): void {
    this.username = null;
    this.loginStateSubject.next('logged-out');
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      socket.close(1000);
    }
    this.sessionSubject.next(null);
    this.setConnectionState('closed');
  }

  private isOpen(): boolean {
    return this.socket?.readyState === OPEN;
  }

  private openSocket(state: 'connecting' | 'reconnecting'): void {
    this.setConnectionState(state);
    const socket = this.createSocket(this.url, this.protocols);
    this.socket = socket;
    socket.onopen = () => {
      this.failedAttempts = 0;
      this.setConnectionState('open');
      if (this.username) this.send({ type: 'login', username: this.username });
    };
    socket.onmessage = (event: MessageEvent) => this.receive(event.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    };
    // An error is always followed by close, which does the work.
    socket.onerror = null;
  }

  private scheduleReconnect(): void {
    const delay = reconnectDelayMs(this.failedAttempts, this.policy);
    this.failedAttempts += 1;
    this.setConnectionState('reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.openSocket('reconnecting');
    }, delay);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') {
      console.warn('[signaling] dropped a binary frame');
      return;
    }
    const result = parseServerFrame(data);
    if (!result.ok) {
      console.warn(`[signaling] dropped an invalid frame: ${result.violation.message}`);
      return;
    }
    const message = result.message;
    if (message.type !== 'login') {
      if (!this.owners.has(message.type)) console.debug(`[signaling] no owner for "${message.type}"`);
      this.messagesSubject.next(message);
      return;
    }
    if (message.success) {
      this.username = message.username;
      this.sessionSubject.next({ username: message.username, iceServers: message.iceServers });
      this.loginStateSubject.next('logged-in');
    } else {
      this.username = null;
      this.sessionSubject.next(null);
      this.loginStateSubject.next('logged-out');
      this.loginFailuresSubject.next(message);
    }
  }

  private setConnectionState(next: ConnectionState): void {
    const previous = this.connectionStateSubject.value;
    if (previous === next) return;
    console.debug(`[signaling] ${previous} -> ${next}`);
    this.connectionStateSubject.next(next);
  }
}
