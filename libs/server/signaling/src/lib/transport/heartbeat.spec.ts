import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import { MAX_SEND_BACKLOG_BYTES } from './backlog';
import { Heartbeat } from './heartbeat';

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

// Stepping the fake clock by whole intervals visits every slot exactly once per step: each
// socket gets one ping per step, wherever its random slot is.
describe(Heartbeat.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const INTERVAL = 1_000;
  function start(heartbeat = new Heartbeat(INTERVAL)) {
    const socket = new FakeSocket();
    heartbeat.watch(socket as unknown as WebSocket);
    return socket;
  }

  it('keeps sockets that echo each ping, and leaves no timer once they close', () => {
    const heartbeat = new Heartbeat(INTERVAL);
    const sockets = [start(heartbeat), start(heartbeat), start(heartbeat)];
    for (let beat = 1; beat <= 5; beat++) {
      jest.advanceTimersByTime(INTERVAL);
      for (const socket of sockets) {
        expect(socket.pings).toHaveLength(beat);
        socket.emit('pong', socket.pings.at(-1));
      }
    }
    expect(sockets.some((socket) => socket.terminated)).toBe(false);
    sockets.forEach((socket) => socket.emit('close'));
    expect(jest.getTimerCount()).toBe(0);
  });

  it('terminates a socket that sends pongs it was never asked for instead of echoing the ping', () => {
    const socket = start();
    jest.advanceTimersByTime(INTERVAL);
    socket.emit('pong', Buffer.from('made up'));
    socket.emit('pong', Buffer.alloc(0));
    socket.emit('pong', Buffer.alloc(4));
    jest.advanceTimersByTime(INTERVAL);
    expect(socket.terminated).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('uses a fresh unguessable payload for every ping', () => {
    const socket = start();
    jest.advanceTimersByTime(INTERVAL);
    socket.emit('pong', socket.pings[0]);
    jest.advanceTimersByTime(INTERVAL);
    expect(socket.pings).toHaveLength(2);
    expect(socket.pings[0].equals(socket.pings[1])).toBe(false);
    socket.emit('close');
  });

  it('terminates a socket whose backlog is past the bound rather than queue more', () => {
    const socket = start();
    socket.bufferedAmount = MAX_SEND_BACKLOG_BYTES + 1;
    jest.advanceTimersByTime(INTERVAL);
    expect(socket.terminated).toBe(true);
    expect(socket.pings).toEqual([]);
  });
});
