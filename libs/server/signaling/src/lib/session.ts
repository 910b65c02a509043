import { ServerMessage } from '@duet/shared/protocol';
import { WebSocket } from 'ws';
import { MessageSink } from './message-sink';

/**
 * One client connection. Its messages are handled strictly one after another, in arrival order:
 * the registry is asynchronous, and without this a `candidate` could overtake the `offer` it
 * belongs to, or a disconnect could run before the `login` it should undo.
 */
export class Session implements MessageSink {
  /** Set once, by a successful `login`. */
  username: string | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly socket: WebSocket) {}

  send(message: ServerMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }

  /** Queues `task` behind everything queued before it; the returned promise settles with it. */
  enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
