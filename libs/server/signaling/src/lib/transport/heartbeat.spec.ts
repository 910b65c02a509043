import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import { MAX_SEND_BACKLOG_BYTES } from './backlog';
import { keepAlive } from './heartbeat';

class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly pings: Buffer[] = [];
  terminated = false;

  ping(data: Buffer): void {
    this.pings.push(data);
  }

  terminate(): void {
    this.terminated = true;
    this.readyState = WebSocket.CLOSED;
    this.emit('close');
  }
}

// Each beat is reached with advanceTimersToNextTimer: the first one comes at a random point of the
// interval (it can be at 0 ms, and the second then at exactly 1,000 ms), so stepping by whole
// intervals would sometimes run two beats in one step.
describe(keepAlive.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function start() {
    const socket = new FakeSocket();
    keepAlive(socket as unknown as WebSocket, 1_000);
    return socket;
  }

  it('keeps a socket that echoes each ping', () => {
    const socket = start();
    for (let beat = 0; beat < 5; beat++) {
      jest.advanceTimersToNextTimer();
      socket.emit('pong', socket.pings.at(-1));
    }
    expect(socket.pings.length).toBeGreaterThanOrEqual(5);
    expect(socket.terminated).toBe(false);
    socket.emit('close');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('terminates a socket that sends pongs it was never asked for instead of echoing the ping', () => {
    const socket = start();
    jest.advanceTimersToNextTimer();
    socket.emit('pong', Buffer.from('made up'));
    socket.emit('pong', Buffer.alloc(0));
    jest.advanceTimersToNextTimer();
    expect(socket.terminated).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('uses a fresh unguessable payload for every ping', () => {
    const socket = start();
    jest.advanceTimersToNextTimer();
    socket.emit('pong', socket.pings[0]);
    jest.advanceTimersToNextTimer();
    expect(socket.pings).toHaveLength(2);
    expect(socket.pings[0].equals(socket.pings[1])).toBe(false);
    socket.emit('close');
  });

  it('terminates a socket whose backlog is past the bound rather than queue more', () => {
    const socket = start();
    socket.bufferedAmount = MAX_SEND_BACKLOG_BYTES + 1;
    jest.advanceTimersToNextTimer();
    expect(socket.terminated).toBe(true);
    expect(socket.pings).toEqual([]);
  });
});
