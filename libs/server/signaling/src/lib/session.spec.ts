import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { deferred } from '../testing/deferred';
import { Session } from './session';
import { keepTcpStream } from './transport/tcp-stream';

const noError = () => {
  throw new Error('unexpected task failure');
};

describe(Session.name, () => {
  it('runs queued tasks one after another, in order, even when earlier ones are slower', async () => {
    const session = new Session({ readyState: WebSocket.OPEN } as unknown as WebSocket);
    const order: string[] = [];
    const slowLogin = deferred();
    const drained = deferred();
    session.enqueue(async () => {
      await slowLogin.promise;
      order.push('login');
    }, noError);
    session.enqueue(async () => {
      order.push('offer');
    }, noError);
    session.enqueue(async () => drained.resolve(), noError);
    // The offer is queued behind a login that has not finished: it must not have run.
    await Promise.resolve();
    expect(order).toEqual([]);
    slowLogin.resolve();
    await drained.promise;
    expect(order).toEqual(['login', 'offer']);
  });

  it('runs a synchronous task before enqueue returns, and one it causes only after it', () => {
    const session = new Session({ readyState: WebSocket.OPEN } as unknown as WebSocket);
    const order: string[] = [];
    session.enqueue(() => {
      // A socket closing under a task makes its session enqueue the disconnect, re-entrantly.
      session.enqueue(() => void order.push('disconnect'), noError);
      order.push('candidate');
    }, noError);
    expect(order).toEqual(['candidate', 'disconnect']);
    session.enqueue(() => void order.push('next'), noError);
    expect(order).toEqual(['candidate', 'disconnect', 'next']);
  });

  it('keeps synchronous tasks behind a pending one, then runs them in order', async () => {
    const session = new Session({ readyState: WebSocket.OPEN } as unknown as WebSocket);
    const order: string[] = [];
    const offer = deferred();
    session.enqueue(async () => {
      await offer.promise;
      order.push('offer');
    }, noError);
    session.enqueue(() => void order.push('candidate 1'), noError);
    session.enqueue(() => void order.push('candidate 2'), noError);
    const drained = deferred();
    session.enqueue(() => drained.resolve(), noError);
    expect(order).toEqual([]);
    offer.resolve();
    await drained.promise;
    expect(order).toEqual(['offer', 'candidate 1', 'candidate 2']);
    session.enqueue(() => void order.push('candidate 3'), noError);
    expect(order).toEqual(['offer', 'candidate 1', 'candidate 2', 'candidate 3']);
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
    const drained = deferred();
    session.enqueue(async () => {
      done.push('next');
      drained.resolve();
    }, noError);
    await drained.promise;
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
    // Counts its corks as a Node stream does (`writableCorked`).
    const stream = {
      writableCorked: 0,
      cork: jest.fn(() => void (stream.writableCorked += 1)),
      uncork: jest.fn(() => {
        stream.writableCorked -= 1;
        writes.push('uncork');
      }),
    };
    const socket = {
      readyState: WebSocket.OPEN,
      bufferedAmount: 0,
      send: (frame: string) => writes.push(JSON.parse(frame).username),
    } as unknown as WebSocket;
    keepTcpStream(socket, { socket: stream } as unknown as IncomingMessage);
    const session = new Session(socket);
    session.send({ type: 'presence', username: 'a', online: true });
    session.send({ type: 'presence', username: 'b', online: true });
    expect(stream.cork).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => process.nextTick(resolve));
    session.send({ type: 'presence', username: 'c', online: true });
    await new Promise((resolve) => process.nextTick(resolve));
    expect(writes).toEqual(['a', 'b', 'uncork', 'c', 'uncork']);
    expect(stream.cork).toHaveBeenCalledTimes(2);
  });

  describe('login deadline', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('fires once when the client has not logged in in time', () => {
      const session = new Session({ readyState: WebSocket.OPEN } as unknown as WebSocket);
      const expired = jest.fn();
      session.requireLoginWithin(1_000, expired);
      jest.advanceTimersByTime(999);
      expect(expired).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(expired).toHaveBeenCalledTimes(1);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('is lifted by a login and by dispose, leaving no timer', () => {
      const loggedIn = new Session({ readyState: WebSocket.OPEN } as unknown as WebSocket);
      const gone = new Session({ readyState: WebSocket.OPEN } as unknown as WebSocket);
      const expired = jest.fn();
      loggedIn.requireLoginWithin(1_000, expired);
      gone.requireLoginWithin(1_000, expired);
      loggedIn.username = 'alice';
      gone.dispose();
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(2_000);
      expect(expired).not.toHaveBeenCalled();
    });
  });

  describe('credentials expiry', () => {
    beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
    afterEach(() => jest.useRealTimers());

    it('ends the connection when its token expires, and not before', () => {
      const session = new Session({ readyState: WebSocket.OPEN } as unknown as WebSocket, { expiresAt: 1_060_000 });
      const expired = jest.fn();
      session.endWhenCredentialsExpire(expired);
      jest.advanceTimersByTime(59_999);
      expect(expired).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(expired).toHaveBeenCalledTimes(1);
    });

    it('moves the end to the expiry of renewed credentials, and takes none once the socket is gone', () => {
      const session = new Session({ readyState: WebSocket.OPEN } as unknown as WebSocket, { username: 'alice', expiresAt: 1_060_000 });
      const expired = jest.fn();
      session.endWhenCredentialsExpire(expired);
      jest.advanceTimersByTime(50_000);
      expect(session.renewCredentials({ username: 'alice', expiresAt: 1_120_000 })).toBe(true);
      expect(session.identity.expiresAt).toBe(1_120_000);
      jest.advanceTimersByTime(10_000);
      expect(expired).not.toHaveBeenCalled();
      jest.advanceTimersByTime(60_000);
      expect(expired).toHaveBeenCalledTimes(1);
      session.dispose();
      expect(session.renewCredentials({ username: 'alice', expiresAt: 1_500_000 })).toBe(false);
      expect(session.identity.expiresAt).toBe(1_120_000);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('waits in steps past the longest timer, and never for identities that do not expire', () => {
      const far = new Session({} as WebSocket, { expiresAt: 1_000_000 + 30 * 24 * 3_600_000 });
      const forever = new Session({} as WebSocket, {});
      const expired = jest.fn();
      far.endWhenCredentialsExpire(expired);
      forever.endWhenCredentialsExpire(expired);
      jest.advanceTimersByTime(25 * 24 * 3_600_000);
      expect(expired).not.toHaveBeenCalled();
      jest.advanceTimersByTime(5 * 24 * 3_600_000);
      expect(expired).toHaveBeenCalledTimes(1);
      far.dispose();
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
