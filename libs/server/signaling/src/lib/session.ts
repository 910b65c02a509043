import { Identity } from '@duet/server/auth';
import { ServerMessage } from '@duet/shared/protocol';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { MessageSink } from './message-sink';

/**
 * Bytes queued for a client that does not read. Signaling traffic to one client is a few kB; a
 * backlog this large means a stalled reader, which would otherwise pin server memory.
 */
export const MAX_SEND_BACKLOG_BYTES = 1_048_576;

interface QueuedTask {
  readonly task: () => Promise<void>;
  readonly onError: (error: unknown) => void;
}

/**
 * One client connection. Its messages are handled strictly one after another, in arrival order:
 * the registry is asynchronous, and without this a `candidate` could overtake the `offer` it
 * belongs to, or a disconnect could run before the `login` it should undo.
 */
export class Session implements MessageSink {
  private name: string | undefined;
  private loginDeadline: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private readonly waiting: QueuedTask[] = [];
  private writesBatched = false;

  constructor(
    private readonly socket: WebSocket,
    /** Who authenticated at the upgrade; `identity.username` is the only name it may take. */
    readonly identity: Identity = {},
  ) {}

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

  /** The socket is gone: nothing of this session may fire later. Idempotent. */
  dispose(): void {
    this.cancelLoginDeadline();
  }

  send(message: ServerMessage): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_SEND_BACKLOG_BYTES) {
      this.socket.terminate();
      return;
    }
    this.batchWritesThisTick();
    this.socket.send(JSON.stringify(message));
  }

  /**
   * Runs `task` after every task queued before it (at once when none is pending). A task that
   * fails reports to its own `onError`; the queue goes on.
   */
  enqueue(task: () => Promise<void>, onError: (error: unknown) => void): void {
    if (this.running) {
      this.waiting.push({ task, onError });
      return;
    }
    this.running = true;
    this.start({ task, onError });
  }

  private cancelLoginDeadline(): void {
    if (this.loginDeadline === undefined) return;
    clearTimeout(this.loginDeadline);
    this.loginDeadline = undefined;
  }

  private start({ task, onError }: QueuedTask): void {
    let run: Promise<void>;
    try {
      run = task();
    } catch (error) {
      run = Promise.reject(error);
    }
    run.then(this.startNext, (error: unknown) => {
      onError(error);
      this.startNext();
    });
  }

  private readonly startNext = (): void => {
    const next = this.waiting.shift();
    if (next === undefined) this.running = false;
    else this.start(next);
  };

  /**
   * Several messages for one client in one tick (a burst of trickled candidates) leave in one
   * TCP write instead of one system call each: the socket is corked until the tick's work is done.
   * Nothing waits longer than the current tick, and order is kept.
   */
  private batchWritesThisTick(): void {
    if (this.writesBatched) return;
    // `ws` exposes the TCP stream only as `_socket`, stable across ws 7 and 8.
    const stream = (this.socket as unknown as { _socket?: Duplex })._socket;
    if (stream === undefined) return;
    this.writesBatched = true;
    stream.cork();
    process.nextTick(() => {
      this.writesBatched = false;
      stream.uncork();
    });
  }
}
