import { WebSocket } from 'ws';
import { Session } from './session';

const noError = () => {
  throw new Error('unexpected task failure');
};

describe(Session.name, () => {
  it('runs queued tasks one after another, in order, even when earlier ones are slower', async () => {
    const session = new Session({ readyState: WebSocket.OPEN } as unknown as WebSocket);
    const order: string[] = [];
    session.enqueue(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('login');
    }, noError);
    session.enqueue(async () => {
      order.push('offer');
    }, noError);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(order).toEqual(['login', 'offer']);
  });

  it('reports a failing task, thrown or rejected, to its own handler and keeps going', async () => {
    const session = new Session({ readyState: WebSocket.OPEN } as unknown as WebSocket);
    const failures: string[] = [];
    const done: string[] = [];
    session.enqueue(async () => {
      throw new Error('rejected');
    }, (error) => failures.push((error as Error).message));
    session.enqueue(() => {
      throw new Error('thrown');
    }, (error) => failures.push((error as Error).message));
    session.enqueue(async () => {
      done.push('next');
    }, noError);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(failures).toEqual(['rejected', 'thrown']);
    expect(done).toEqual(['next']);
  });

  it('sends nothing to a socket that is no longer open', () => {
    const send = jest.fn();
    const session = new Session({ readyState: WebSocket.CLOSING, send } as unknown as WebSocket);
    session.send({ type: 'presence', username: 'a', online: true });
    expect(send).not.toHaveBeenCalled();
  });

  it('terminates a client that has stopped reading instead of queueing without bound', () => {
    const socket = { readyState: WebSocket.OPEN, bufferedAmount: 2_000_000, send: jest.fn(), terminate: jest.fn() };
    new Session(socket as unknown as WebSocket).send({ type: 'presence', username: 'a', online: true });
    expect(socket.terminate).toHaveBeenCalled();
    expect(socket.send).not.toHaveBeenCalled();
  });

  it("batches one tick's messages into one TCP write, in order", async () => {
    const writes: string[] = [];
    const stream = { cork: jest.fn(), uncork: jest.fn(() => writes.push('uncork')) };
    const socket = {
      readyState: WebSocket.OPEN,
      bufferedAmount: 0,
      _socket: stream,
      send: (frame: string) => writes.push(JSON.parse(frame).username),
    };
    const session = new Session(socket as unknown as WebSocket);
    session.send({ type: 'presence', username: 'a', online: true });
    session.send({ type: 'presence', username: 'b', online: true });
    expect(stream.cork).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => process.nextTick(resolve));
    session.send({ type: 'presence', username: 'c', online: true });
    await new Promise((resolve) => process.nextTick(resolve));
    expect(writes).toEqual(['a', 'b', 'uncork', 'c', 'uncork']);
    expect(stream.cork).toHaveBeenCalledTimes(2);
  });
});
