// Over 300 lines: one connection's whole lifecycle (queue, login deadline, credentials, park, resume, end) in one place.
import { Identity } from '@duet/server/auth';
import { ServerMessage } from '@duet/shared/protocol';
import { timingSafeEqual } from 'node:crypto';
import { WebSocket } from 'ws';
import { CredentialsExpiry } from './credentials-expiry';
import { ClientConnection, MessageSink } from './message-sink';
import { ParkedMessages } from './parked-messages';
import { randomToken } from './random-token';
import { admitsWrite, MAX_RELAY_BACKLOG_BYTES } from './transport/backlog';
import { closeOnPurpose } from './transport/close-intent';
import { tcpStreamOf } from './transport/tcp-stream';
import { corkUntilTickEnds } from './transport/tick-cork';

/** One message's work: done when it returns, or when the promise it returns settles. */
type Task = () => void | Promise<void>;
type OnError = (error: unknown) => void;

interface QueuedTask {
  readonly task: Task;
  readonly onError: OnError;
}

/**
 * One client connection. Its messages are handled strictly one after another, in arrival order:
 * the registry is asynchronous, and without this a `candidate` could overtake the `offer` it
 * belongs to, or a disconnect could run before the `login` it should undo.
 *
 * Lifecycle: `connected` -> (login) -> `logged in` -> either `ended` (clean close), or `parked`
 * when the socket drops: the name and call are held, messages for the user are kept
 * (`ParkedMessages`), and a new connection that shows `resumeToken` takes the session over
 * (`retire`: this object is then done). A parked session that is not taken over in time ends.
 */
export class Session implements MessageSink, ClientConnection {
  /** Names this connection in logs: every line about it carries it, never the address. */
  readonly id = randomToken(6);
  /** Shown once to the client (login reply); proves a later connection is the same client. */
  readonly resumeToken = randomToken(16);
  /**
   * The client said at login that it can resume (`resume: true`, or it showed a token): only such
   * a session is held when its socket drops. A tutorial client's drop ends its session at once.
   */
  resumable = false;
  private name: string | undefined;
  private parked: ParkedMessages | undefined;
  private retired = false;
  private loginDeadline: ReturnType<typeof setTimeout> | undefined;
  private readonly credentialsExpiry = new CredentialsExpiry();
  private resumeWindow: ReturnType<typeof setTimeout> | undefined;
  private repeating: ReturnType<typeof setInterval> | undefined;
  private running = false;
  /** Created when a task first has to wait: most connections never need it. */
  private waiting: QueuedTask[] | undefined;
  private readonly retiredListeners: (() => void)[] = [];
  /** What ends a parked session (its resume window's expiry), so the server may end it sooner. */
  private parkedEnd: (() => void) | undefined;

  constructor(
    private readonly socket: WebSocket,
    /** Who authenticated at the upgrade; `identity.username` is the only name it may take. */
    private credentials: Identity = {},
    /** The client's address as the connection caps count it (never logged). */
    readonly address = '',
  ) {}

  /** Who authenticated: at the upgrade, or by the last accepted `token` (the same user). */
  get identity(): Identity {
    return this.credentials;
  }

  /** What registries may do with this sink beyond delivering (see `MessageSink.connection`). */
  get connection(): ClientConnection {
    return this;
  }

  /** Set once, by a successful `login`; setting it lifts the login deadline. */
  get username(): string | undefined {
    return this.name;
  }

  set username(username: string | undefined) {
    this.name = username;
    if (username !== undefined) this.cancelLoginDeadline();
  }

  /**
   * Runs `onExpiry` if the client has not logged in within `ms`: an idle socket holds a slot a
   * real user could use. Lifted by a login or by `dispose`, whichever comes first.
   */
  requireLoginWithin(ms: number, onExpiry: () => void): void {
    this.cancelLoginDeadline();
    this.loginDeadline = setTimeout(() => {
      this.loginDeadline = undefined;
      onExpiry();
    }, ms);
    // A deadline alone must not hold the process open on shutdown.
    this.loginDeadline.unref();
  }

  /** Runs `onExpiry` when the credentials expire, if they do: a connection must not outlive its token. */
  endWhenCredentialsExpire(onExpiry: () => void): void {
    this.credentialsExpiry.start(this.credentials.expiresAt, onExpiry);
  }

  /**
   * Fresh credentials of the same user (the `token` message): the connection now ends at their
   * expiry instead of the old one's. Ignored (false) once the socket is gone.
   */
  renewCredentials(identity: Identity): boolean {
    if (!this.credentialsExpiry.move(identity.expiresAt)) return false;
    this.credentials = identity;
    return true;
  }

  /** Runs `task` every `ms` while the session lives (one such task per session). */
  every(ms: number, task: () => void): void {
    clearInterval(this.repeating);
    this.repeating = setInterval(task, ms);
    this.repeating.unref();
  }

  /** The socket is gone: its deadlines may not fire. Idempotent. */
  dispose(): void {
    this.cancelLoginDeadline();
    this.credentialsExpiry.stop();
    clearInterval(this.repeating);
    this.repeating = undefined;
  }

  /** The socket dropped: keep messages for the user, and run `onExpiry` unless resumed within `windowMs`. */
  park(windowMs: number, onExpiry: () => void): void {
    this.dispose();
    this.parked = new ParkedMessages();
    this.parkedEnd = onExpiry;
    this.resumeWindow = setTimeout(onExpiry, windowMs);
    this.resumeWindow.unref();
  }

  get isParked(): boolean {
    return this.parked !== undefined;
  }

  /** Whether some connection could still take this session over (by its token, checked apart). */
  get isResumable(): boolean {
    return this.resumable && !this.retired && this.name !== undefined && !this.parked?.overflowed;
  }

  /** Runs `listener` once this session is retired (the service that parked it; `GuestSessions`). */
  onRetire(listener: () => void): void {
    this.retiredListeners.push(listener);
  }

  /** Whether a new connection showing `token` may take this session over. */
  acceptsResume(token: string): boolean {
    if (!this.isResumable) return false;
    const expected = Buffer.from(this.resumeToken);
    const shown = Buffer.from(token);
    return shown.length === expected.length && timingSafeEqual(shown, expected);
  }

  /**
   * Taken over by a resumed session (or its window passed): nothing of this one may fire or
   * write again. A socket still open (the old one, not yet seen to be dead) is dropped.
   * Returns what was kept for the user, in order. Idempotent.
   */
  retire(): string[] {
    const kept = this.stop();
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.terminate();
    }
    return kept;
  }

  /**
   * The server no longer holds this session's name (see `CLOSE_NAME_TAKEN`): the socket is closed
   * with `code` and `reason` (at most 123 bytes), and nothing of this session, its name included,
   * may be undone or released by it.
   */
  evict(code: number, reason: string): void {
    this.stop();
    if (this.socket.readyState === WebSocket.OPEN) closeOnPurpose(this.socket, code, reason);
  }

  /**
   * The server ends this session (its invite was revoked): an open socket is closed on purpose with
   * `code` and `reason`, and that close ends the session as a client's clean close does (the name is
   * released, the peer told); a parked session ends now instead of at its resume window's end.
   */
  end(code: number, reason: string): void {
    if (this.parked !== undefined) {
      clearTimeout(this.resumeWindow);
      this.resumeWindow = undefined;
      return this.parkedEnd?.();
    }
    if (this.socket.readyState === WebSocket.OPEN) closeOnPurpose(this.socket, code, reason);
  }

  private stop(): string[] {
    if (!this.retired) for (const listener of this.retiredListeners) listener();
    this.retired = true;
    this.dispose();
    clearTimeout(this.resumeWindow);
    this.resumeWindow = undefined;
    const kept = this.parked?.take() ?? [];
    this.parked = undefined;
    this.parkedEnd = undefined;
    return kept;
  }

  /** Retired: superseded by a resumed session, or ended. */
  get isRetired(): boolean {
    return this.retired;
  }

  send(message: ServerMessage): void {
    if (this.parked) {
      // The list is sent afresh on resume; stale presence is not worth a byte of the bound.
      if (message.type !== 'presence' && message.type !== 'users') this.parked.park(JSON.stringify(message), false);
      return;
    }
    this.sendFrame(JSON.stringify(message));
  }

  relay(message: ServerMessage): boolean {
    if (this.parked) return this.parked.park(JSON.stringify(message), true);
    if (this.socket.readyState !== WebSocket.OPEN || this.socket.bufferedAmount > MAX_RELAY_BACKLOG_BYTES) {
      return false;
    }
    this.send(message);
    return true;
  }

  /** An already serialized message (one kept while parked). */
  sendFrame(frame: string): void {
    if (this.retired || !admitsWrite(this.socket)) return;
    this.batchWritesThisTick();
    this.socket.send(frame);
  }

  /**
   * Runs `task` after every task queued before it (at once when none is pending). A task that
   * fails reports to its own `onError`; the queue goes on. One that finishes synchronously leaves
   * the queue idle: the common case (a relayed candidate) costs no promise.
   */
  enqueue(task: Task, onError: OnError): void {
    if (this.running) {
      (this.waiting ??= []).push({ task, onError });
      return;
    }
    // Running while a task runs, even synchronously: a task that makes its own session enqueue
    // (a socket closing under it) must not run that work in the middle of its own.
    this.running = true;
    this.runFrom(task, onError);
  }

  private cancelLoginDeadline(): void {
    if (this.loginDeadline === undefined) return;
    clearTimeout(this.loginDeadline);
    this.loginDeadline = undefined;
  }

  /** Runs `task`, then each task waiting behind it, until one is pending; its settling resumes the rest. */
  private runFrom(task: Task, onError: OnError): void {
    for (;;) {
      const pending = attempt(task, onError);
      if (pending !== undefined) {
        pending.then(
          () => this.runNext(),
          (error: unknown) => {
            onError(error);
            this.runNext();
          },
        );
        return;
      }
      const next = this.waiting?.shift();
      if (next === undefined) {
        this.running = false;
        return;
      }
      ({ task, onError } = next);
    }
  }

  private runNext(): void {
    const next = this.waiting?.shift();
    if (next === undefined) this.running = false;
    else this.runFrom(next.task, next.onError);
  }

  /**
   * Several messages for one client in one tick (a burst of trickled candidates) leave in one
   * TCP write instead of one system call each (`corkUntilTickEnds`).
   */
  private batchWritesThisTick(): void {
    const stream = tcpStreamOf(this.socket);
    if (stream !== undefined) corkUntilTickEnds(stream);
  }
}

/** Starts `task`: its promise if it is still pending, undefined once it is done (a throw goes to `onError`). */
function attempt(task: Task, onError: OnError): Promise<void> | undefined {
  try {
    return task() ?? undefined;
  } catch (error) {
    onError(error);
    return undefined;
  }
}
