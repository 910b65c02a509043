// Over 300 lines: one socket's state machine (connect, log in, resume, back off) reads best whole; its types, tab session and token renewal are split out.
import { DestroyRef, Injectable, inject } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { CallClaim, ClientMessage, CloseCode, LoginFailureMessage, ServerMessage, parseServerFrame } from '@duet/shared/protocol';
import { BehaviorSubject, Observable, Subject, filter } from 'rxjs';
import { ADMISSION_CHECK } from './admission';
import { TAB_STORAGE } from '../media/preference-storage';
import { AUTH_TOKEN_SOURCE, signalingProtocols } from './auth-token';
import { ConnectionProblem, ReconnectDecision } from '../recovery/reconnect-policy';
import { RecoveryPolicy } from '../recovery/recovery-policy';
import { SIGNALING_URL, WEB_SOCKET_FACTORY } from '../media/rtc-environment';
import { AUTH_TOKEN_RENEWALS } from './sign-in-flow';
import { ConnectionState, IceConfiguration, LoginState, ServerMessageOf, ServerMessageType, SignalingSession, sessionOf } from './signaling-types';
import { saveTabResumeToken, tabResumeToken } from './tab-session';
import { InBandTokenRenewal } from './token-renewal';

export * from './signaling-types';
export { TAB_SESSION_KEY } from './tab-session';

const OPEN = 1; // WebSocket.OPEN, without relying on the global in tests
/** How long a log-out waits for the closing handshake before going on (a dead link never answers). */
const CLOSE_WAIT_MS = 2_000;


/**
 * The one WebSocket to the server, opened only for a login (an idle login page keeps none).
 * Connection states (`setConnectionState` is the only writer):
 *
 *   closed | refused ──logIn(), retry()──> connecting ──opens──> open
 *   connecting | reconnecting ──fails to open: ask /ws/admission──> reconnecting (outage, 429/503)
 *                                                                 | refused (401/403)
 *   open ──drops (any code)──> reconnecting ──opens──> open ...
 *   open ──1008 with nobody logged in (the server's login deadline)──> closed
 *   any ──disconnect()──> closed
 *
 * RecoveryPolicy decides between "retry in n ms" and "stop", and runs the retry timer. Each
 * (re)connect asks AUTH_TOKEN_SOURCE for a token; while logged in, each token from
 * AUTH_TOKEN_RENEWALS goes to the server in-band (`token`). A login names the user, or (`logInAsIdentity`)
 * leaves the name to the connection's credentials. Once open again it logs back in the same way (with the last accepted name), the
 * newest resume token (the server then hands back the session, call and kept messages) and, for a
 * server that restarted and knows nothing, the call this client is in.
 *
 * The login reply's ICE servers carry TURN credentials that expire; the server renews them with
 * `ice-servers` before they do. `iceConfiguration` is always the newest of the two.
 *
 * The newest resume token also lives in the tab's storage, so a reloaded page's first login with
 * the same name resumes the session when the server still holds it (its socket had dropped).
 *
 * Every server message type has exactly one owner: this client owns `login`, `ice-servers` and `token`; other services
 * `claim()` theirs (a second claim of a type throws), so no message is handled in two places.
 */
@Injectable({ providedIn: 'root' })
export class SignalingClient {
  private readonly url = inject(SIGNALING_URL);
  private readonly createSocket = inject(WEB_SOCKET_FACTORY);
  private readonly tokenSource = inject(AUTH_TOKEN_SOURCE);
  private readonly checkAdmission = inject(ADMISSION_CHECK);
  private readonly recovery = inject(RecoveryPolicy);
  private readonly tabStorage = inject(TAB_STORAGE);

  private readonly messagesSubject = new Subject<ServerMessage>();
  private readonly connectionStateSubject = new BehaviorSubject<ConnectionState>('closed');
  private readonly sessionSubject = new BehaviorSubject<SignalingSession | null>(null);
  private readonly loginStateSubject = new BehaviorSubject<LoginState>('logged-out');
  private readonly loginFailuresSubject = new Subject<LoginFailureMessage>();
  private readonly problemSubject = new BehaviorSubject<ConnectionProblem | null>(null);
  private readonly iceConfigurationSubject = new BehaviorSubject<IceConfiguration | null>(null);
  private readonly owners = new Set<ServerMessageType>(['login', 'ice-servers', 'token']);
  private readonly renewal = new InBandTokenRenewal((message) => this.send(message));

  readonly connectionState$: Observable<ConnectionState> = this.connectionStateSubject.asObservable();
  /** Every accepted login, resumed or fresh; null once logged out or refused before any login. */
  readonly session$: Observable<SignalingSession | null> = this.sessionSubject.asObservable();
  /** The server refused a name (taken, invalid, or not the one the connection authenticated as). */
  readonly loginFailures$: Observable<LoginFailureMessage> = this.loginFailuresSubject.asObservable();
  readonly connectionState = toSignal(this.connectionState$, { requireSync: true });
  readonly session = toSignal(this.session$, { requireSync: true });
  readonly loginState = toSignal(this.loginStateSubject, { requireSync: true });
  /** Why the connection is down against our wish (null while open, or closed on purpose). */
  readonly problem$: Observable<ConnectionProblem | null> = this.problemSubject.asObservable();
  readonly problem = toSignal(this.problem$, { requireSync: true });
  /** The newest ICE servers (login or renewal) for this session; null while logged out. */
  readonly iceConfiguration$: Observable<IceConfiguration | null> = this.iceConfigurationSubject.asObservable();
  readonly iceConfiguration = toSignal(this.iceConfiguration$, { requireSync: true });

  private socket: WebSocket | null = null;
  /** A token fetch or admission check is in flight: a (re)connect is under way without a socket. */
  private busy = false;
  /** Bumped by disconnect(): whatever an in-flight fetch resolves to is then thrown away. */
  private generation = 0;
  /** The name to (re-)login with; cleared when the server refuses it. */
  private username: string | null = null;
  /** Log in as the credentials' identity (no name sent); cleared when the server refuses it. */
  private asIdentity = false;
  /** The server accepted a login on the socket open now (a renewed token may go). */
  private loggedInHere = false;
  /** The newest one; single-use, each login reply brings the next. */
  private resumeToken: string | null = null;
  private callClaim: () => CallClaim | null = () => null;

  constructor() {
    inject(DestroyRef).onDestroy(() => void this.disconnect());
    inject(AUTH_TOKEN_RENEWALS)
      .pipe(takeUntilDestroyed())
      .subscribe((token) => this.renewal.renewed(token, this.loggedInHere));
  }

  /** Opens the socket unless one is open, opening, or scheduled. */
  connect(): void {
    if (this.socket || this.recovery.reconnectScheduled || this.busy) return;
    const state = this.connectionStateSubject.value;
    void this.openSocket(state === 'closed' || state === 'refused' ? 'connecting' : 'reconnecting');
  }

  /** Reconnects now instead of at the scheduled retry, or after a refusal (the user tries again). */
  retry(): void {
    if (this.socket || this.busy) return;
    this.recovery.cancelReconnect(true);
    this.connect();
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

  /** What to claim at a re-login: the call we are in, so a restarted server can put it back together. */
  setCallClaimSource(source: () => CallClaim | null): void {
    this.callClaim = source;
  }

  /** Logs in now if the socket is open, else as soon as it opens. */
  logIn(username: string): void {
    this.startLogin(username);
  }

  /**
   * Logs in as whoever the connection's credentials name (a portal's token, a company sign-in): the
   * login carries no name, the reply says which. A reloaded tab's resume token goes along; the
   * server takes it only if it is that person's.
   */
  logInAsIdentity(): void {
    this.startLogin(null);
  }

  private startLogin(username: string | null): void {
    if (this.sessionSubject.value === null) this.resumeToken = tabResumeToken(this.tabStorage, username);
    this.username = username;
    this.asIdentity = username === null;
    this.loginStateSubject.next('logging-in');
    if (this.isOpen()) this.sendLogin();
    else if (this.recovery.reconnectScheduled) this.retry();
    else this.connect();
  }

  /** Sends if the socket is open. Returns false (and sends nothing) otherwise: stale signaling is worthless. */
  send(message: ClientMessage): boolean {
    if (!this.socket || !this.isOpen()) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /**
   * Closes for good (a clean close ends the session on the server): no reconnect, no re-login.
   * Resolves once the closing handshake is done (the server has freed the name), or after 2 s.
   */
  disconnect(): Promise<void> {
    this.generation += 1;
    this.username = null;
    this.asIdentity = false;
    this.loggedInHere = false;
    this.renewal.forget();
    this.setResumeToken(null);
    this.busy = false;
    this.recovery.cancelReconnect();
    const socket = this.socket;
    this.socket = null;
    const closed = socket ? closeCleanly(socket) : Promise.resolve();
    this.loginStateSubject.next('logged-out');
    this.sessionSubject.next(null);
    this.iceConfigurationSubject.next(null);
    this.setProblem(null);
    this.setConnectionState('closed');
    return closed;
  }

  private isOpen(): boolean {
    return this.socket?.readyState === OPEN;
  }

  private async openSocket(state: 'connecting' | 'reconnecting'): Promise<void> {
    this.setConnectionState(state);
    const generation = this.generation;
    this.busy = true;
    this.loggedInHere = false;
    this.renewal.forget();
    const token = await this.tokenSource().catch((error: unknown) => {
      console.warn('[signaling] the auth token source failed', error);
      return null;
    });
    if (generation !== this.generation) return;
    this.busy = false;
    const socket = this.createSocket(this.url, signalingProtocols(token));
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.recovery.socketOpened();
      this.setProblem(null);
      this.setConnectionState('open');
      this.sendLogin();
    };
    socket.onmessage = (event: MessageEvent) => this.receive(event.data);
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.loggedInHere = false;
      console.debug(`[signaling] socket closed (${event.code})`);
      if (opened) {
        const loggedIn = this.loginStateSubject.value === 'logged-in';
        this.apply(this.recovery.afterSocketClosed(event.code, loggedIn, this.sessionSubject.value));
      } else {
        void this.askWhyOpenFailed(token);
      }
    };
    // An error is always followed by close, which does the work.
    socket.onerror = null;
  }

  /** Browsers hide a refused upgrade's status; the server tells us on /ws/admission. */
  private async askWhyOpenFailed(token: string | null): Promise<void> {
    const generation = this.generation;
    this.busy = true;
    const verdict = await this.checkAdmission(token);
    if (generation !== this.generation) return;
    this.busy = false;
    this.apply(this.recovery.afterFailedOpen(verdict));
  }

  private apply(decision: ReconnectDecision): void {
    this.setProblem(decision.problem);
    if (decision.action === 'retry') {
      this.setConnectionState('reconnecting');
      this.recovery.scheduleReconnect(decision.delayMs, () => void this.openSocket('reconnecting'));
      return;
    }
    // Stopped: whoever was waiting to log in is not any more. A logged-in session stays known (a
    // call may still be running peer to peer) until the user logs out or tries again.
    if (this.loginStateSubject.value === 'logging-in') this.loginStateSubject.next('logged-out');
    this.setConnectionState(decision.problem === null ? 'closed' : 'refused');
  }

  private sendLogin(): void {
    const name = this.asIdentity ? {} : this.username ? { username: this.username } : null;
    if (!name) return;
    const resumeToken = this.resumeToken;
    const call = this.callClaim();
    // `resume: true`: this client can resume, so the server holds its session through a drop.
    this.send({ type: 'login', ...name, resume: true, ...(resumeToken && { resumeToken }), ...(call && { call }) });
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
    if (message.type === 'ice-servers') {
      // Renewed credentials for a session we no longer have are of no use.
      if (this.sessionSubject.value === null) return;
      console.debug('[signaling] renewed ICE servers');
      this.iceConfigurationSubject.next({
        iceServers: message.iceServers,
        iceTransportPolicy: message.iceTransportPolicy ?? 'all',
      });
      return;
    }
    if (message.type === 'token') {
      this.renewal.reply(message);
      return;
    }
    if (message.type !== 'login') {
      if (!this.owners.has(message.type)) console.debug(`[signaling] no owner for "${message.type}"`);
      this.messagesSubject.next(message);
      return;
    }
    if (message.success) {
      this.username = message.username;
      this.setResumeToken(message.resumeToken ?? null);
      if (message.resumed) console.debug('[signaling] resumed the session');
      const session = sessionOf(message);
      this.iceConfigurationSubject.next({ iceServers: session.iceServers, iceTransportPolicy: session.iceTransportPolicy });
      this.sessionSubject.next(session);
      this.loginStateSubject.next('logged-in');
      this.loggedInHere = true;
      this.renewal.loggedIn();
    } else {
      this.username = null;
      this.asIdentity = false;
      this.setResumeToken(null);
      this.sessionSubject.next(null);
      this.iceConfigurationSubject.next(null);
      this.loginStateSubject.next('logged-out');
      this.loginFailuresSubject.next(message);
    }
  }

  /** Kept in memory and in the tab's storage, for a login after a reload. */
  private setResumeToken(token: string | null): void {
    this.resumeToken = token;
    saveTabResumeToken(this.tabStorage, this.username, token);
  }

  private setProblem(next: ConnectionProblem | null): void {
    const previous = this.problemSubject.value;
    if (JSON.stringify(previous) !== JSON.stringify(next)) this.problemSubject.next(next);
  }

  private setConnectionState(next: ConnectionState): void {
    const previous = this.connectionStateSubject.value;
    if (previous === next) return;
    console.debug(`[signaling] ${previous} -> ${next}`);
    this.connectionStateSubject.next(next);
  }
}

/** Closes with 1000 and resolves once the socket has closed, or after CLOSE_WAIT_MS. */
function closeCleanly(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, CLOSE_WAIT_MS);
    socket.onopen = socket.onmessage = socket.onerror = null;
    socket.onclose = () => {
      clearTimeout(timer);
      resolve();
    };
    socket.close(CloseCode.normal);
  });
}
