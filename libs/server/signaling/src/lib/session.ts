import { Identity } from '@duet/server/auth';
import { ServerMessage } from '@duet/shared/protocol';
import { WebSocket } from 'ws';
import { MessageSink } from './message-sink';

/**
 * Bytes queued for a client that does not read. Signaling traffic to one client is a few kB; a
 * backlog this large means a stalled reader, which would otherwise pin server memory.
 */
export const MAX_SEND_BACKLOG_BYTES = 1_048_576;

/**
 * One client connection. Its messages are handled strictly one after another, in arrival order:
 * the registry is asynchronous, and without this a `candidate` could overtake the `offer` it
 * belongs to, or a disconnect could run before the `login` it should undo.
 */
export class Session implements MessageSink {
  /** Set once, by a successful `login`. */
  username: string | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly socket: WebSocket,
    /** Who authenticated at the upgrade; `identity.username` is the only name it may take. */
    readonly identity: Identity = {},
  ) {}

  send(message: ServerMessage): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_SEND_BACKLOG_BYTES) {
      this.socket.terminate();
      return;
    }
    this.socket.send(JSON.stringify(message));
  }

  /** Queues `task` behind everything queued before it; the returned promise settles with it. */
  enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
