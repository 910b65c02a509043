import { loadConfig } from '@duet/server/config';
import { SearchMessage, ServerMessage } from '@duet/shared/protocol';
import { CanActivate, UseGuards } from '@nestjs/common';
import { SubscribeMessage } from '@nestjs/websockets';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { deferred } from '../testing/deferred';
import { AvailabilityService } from './availability/availability.service';
import { CredentialsService } from './credentials.service';
import { Session } from './session';
import { NoSignalingMetrics } from './signaling-metrics';
import { SignalingGateway } from './signaling.gateway';
import { SignalingService } from './signaling.service';
import { CLOSE_POLICY_VIOLATION } from './transport/close-intent';
import { PROTOCOL_VIOLATION } from './transport/protocol-violation';
import { UpgradeGuard } from './transport/upgrade-guard';
import { RegistryUnavailableError } from './user-registry.service';

const limits = loadConfig({}).limits;
const options = { presenceLimit: 10, publicOrigin: undefined, allowedOrigins: undefined, limits, trustProxy: { mode: 'off' as const } };
const request = {} as IncomingMessage;
/** The guard's verdict is what the gateway trusts; here every upgrade passed as anonymous. */
const guard = {
  identityOf: (req: IncomingMessage | undefined) => (req === request ? {} : undefined),
  addressOf: () => '127.0.0.1',
} as unknown as UpgradeGuard;
/** No test here sends `token`. */
const credentials = {} as CredentialsService;
/** Nor `availability` (availability.service.spec.ts). */
const availability = {} as AvailabilityService;

/** Behaves like a `ws` socket where the gateway can tell: `close()` and `terminate()` emit `'close'`. */
class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly sent: ServerMessage[] = [];
  closedWith: number | undefined;

  send(frame: string): void {
    this.sent.push(JSON.parse(frame));
  }

  close(code?: number): void {
    if (this.readyState === WebSocket.CLOSED) return;
    this.closedWith = code;
    this.readyState = WebSocket.CLOSED;
    this.emit('close', code);
  }

  terminate(): void {
    this.close(1006);
  }
}

class AllowAll implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

/** The gateway with a guard on one handler, as an auth module might add. */
class GuardedSearch extends SignalingGateway {
  @UseGuards(AllowAll)
  @SubscribeMessage('search')
  override search(socket: WebSocket, message: SearchMessage): void {
    super.search(socket, message);
  }
}

describe(SignalingGateway.name, () => {
  const sockets: FakeSocket[] = [];
  function connect(gateway: SignalingGateway, upgrade = request) {
    const fake = new FakeSocket();
    sockets.push(fake);
    gateway.handleConnection(fake as unknown as WebSocket, upgrade);
    return { fake, ws: fake as unknown as WebSocket };
  }
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

  it('hands each message to the service with the session of its socket, in arrival order', async () => {
    const calls: string[] = [];
    const slowLogin = deferred();
    const offered = deferred();
    const service = {
      disconnect: jest.fn(async () => undefined),
      login: jest.fn(async (session: Session) => {
        await slowLogin.promise;
        session.username = 'alice';
        calls.push('login');
      }),
      offer: jest.fn(async (session: Session) => {
        calls.push(`offer from ${session.username}`);
        offered.resolve();
      }),
    } as unknown as SignalingService;
    const gateway = new SignalingGateway(service, guard, new NoSignalingMetrics(), options, credentials, availability);
    const { ws } = connect(gateway);
    gateway.login(ws, { type: 'login', username: 'alice' });
    gateway.relayOffer(ws, { type: 'offer', offer: { type: 'offer', sdp: '' }, otherUsername: 'bob' });
    await Promise.resolve();
    expect(service.offer).not.toHaveBeenCalled();
    slowLogin.resolve();
    await offered.promise;
    expect(calls).toEqual(['login', 'offer from alice']);
  });

  it('turns a failing handler into one internal error for the sender and keeps serving it', async () => {
    const closed = deferred();
    const service = {
      disconnect: jest.fn(async () => undefined),
      candidate: jest.fn(async () => {
        throw new Error('registry unavailable');
      }),
      close: jest.fn(async (session: Session) => {
        session.send({ type: 'error', code: 'not-in-call', message: 'x' });
        closed.resolve();
      }),
    } as unknown as SignalingService;
    const gateway = new SignalingGateway(service, guard, new NoSignalingMetrics(), options, credentials, availability);
    jest.spyOn(gateway['logger'], 'error').mockImplementation(() => undefined);
    const { fake, ws } = connect(gateway);
    gateway.relayCandidate(ws, { type: 'candidate', candidate: { candidate: '' }, otherUsername: 'bob' });
    gateway.hangUp(ws, { type: 'close' });
    await closed.promise;
    expect(fake.sent).toEqual([
      { type: 'error', code: 'internal', message: 'the server failed to handle that message' },
      { type: 'error', code: 'not-in-call', message: 'x' },
    ]);
  });

  it('answers a message the registry cannot decide now (its store unreachable) with unavailable, naming the message', async () => {
    const closed = deferred();
    const service = {
      disconnect: jest.fn(async () => undefined),
      offer: jest.fn(async () => {
        throw new RegistryUnavailableError('Redis unreachable');
      }),
      close: jest.fn(async () => closed.resolve()),
    } as unknown as SignalingService;
    const gateway = new SignalingGateway(service, guard, new NoSignalingMetrics(), options, credentials, availability);
    jest.spyOn(gateway['logger'], 'warn').mockImplementation(() => undefined);
    const { fake, ws } = connect(gateway);
    gateway.relayOffer(ws, { type: 'offer', offer: { type: 'offer', sdp: '' }, otherUsername: 'bob' });
    gateway.hangUp(ws, { type: 'close' });
    await closed.promise;
    expect(fake.sent).toEqual([
      {
        type: 'error',
        code: 'unavailable',
        message: 'the server cannot reach its directory of users just now; try again in a moment',
        replyTo: 'offer',
      },
    ]);
  });

  it('routes a close through the same queue, after the messages before it, saying whether it was a drop', async () => {
    const calls: string[] = [];
    const slowLogin = deferred();
    const disconnected = deferred();
    const service = {
      login: jest.fn(async () => {
        await slowLogin.promise;
        calls.push('login');
      }),
      disconnect: jest.fn(async (_session: Session, { dropped }: { dropped: boolean }) => {
        calls.push(dropped ? 'dropped' : 'closed');
        if (calls.length === 3) disconnected.resolve();
      }),
    } as unknown as SignalingService;
    const gateway = new SignalingGateway(service, guard, new NoSignalingMetrics(), options, credentials, availability);
    const first = connect(gateway);
    gateway.login(first.ws, { type: 'login', username: 'alice' });
    first.fake.close(1006);
    slowLogin.resolve();
    connect(gateway).fake.close(1000);
    await disconnected.promise;
    // Each socket's own order holds; the two sockets are independent.
    expect(calls.filter((call) => call !== 'closed')).toEqual(['login', 'dropped']);
    expect(calls).toContain('closed');
  });

  it('terminates a socket whose upgrade never passed the guard, without a session', () => {
    const service = { login: jest.fn(), disconnect: jest.fn() } as unknown as SignalingService;
    const gateway = new SignalingGateway(service, guard, new NoSignalingMetrics(), options, credentials, availability);
    const { fake, ws } = connect(gateway, {} as IncomingMessage);
    expect(fake.readyState).toBe(WebSocket.CLOSED);
    gateway.login(ws, { type: 'login', username: 'alice' });
    expect(service.login).not.toHaveBeenCalled();
  });

  it('is the endpoint the adapter routes to directly: it owns its sockets and lists every handler', () => {
    const service = { offer: jest.fn() } as unknown as SignalingService;
    const renewing = { renew: jest.fn() } as unknown as CredentialsService;
    const gateway = new SignalingGateway(service, guard, new NoSignalingMetrics(), options, renewing, availability);
    const { ws } = connect(gateway);
    expect(gateway.owns(ws)).toBe(true);
    expect(gateway.owns(new FakeSocket() as unknown as WebSocket)).toBe(false);
    const routes = gateway.directRoutes();
    expect([...routes.keys()].sort()).toEqual(['answer', 'availability', 'candidate', 'close', 'decline', 'login', 'offer', PROTOCOL_VIOLATION, 'search', 'token']);
    const offer = { type: 'offer', otherUsername: 'bob' };
    routes.get('offer')?.(ws, offer);
    expect(service.offer).toHaveBeenCalledWith(expect.any(Session), offer);
    const token = { type: 'token', token: 'a.b.c' };
    routes.get('token')?.(ws, token);
    expect(renewing.renew).toHaveBeenCalledWith(expect.any(Session), token);
    // The adapter binds no Nest disconnect event to the sockets it owns: a `handleDisconnect` here would never run.
    expect('handleDisconnect' in gateway).toBe(false);
  });

  it('lets the adapter open its connections past Nest only while no handler has an enhancer', () => {
    const service = {} as SignalingService;
    const renewing = {} as CredentialsService;
    const plain = new SignalingGateway(service, guard, new NoSignalingMetrics(), options, renewing, availability);
    expect(plain.routesAllDirect()).toBe(true);
    expect(new GuardedSearch(service, guard, new NoSignalingMetrics(), options, renewing, availability).routesAllDirect()).toBe(false);
  });

  describe('login deadline', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    const service = {
      login: jest.fn(async (session: Session) => {
        session.username = 'alice';
      }),
      disconnect: jest.fn(async () => undefined),
    } as unknown as SignalingService;

    it('closes a socket that has not logged in in time with 1008', () => {
      const { fake } = connect(new SignalingGateway(service, guard, new NoSignalingMetrics(), options, credentials, availability));
      jest.advanceTimersByTime(limits.loginTimeoutMs);
      expect(fake.closedWith).toBe(CLOSE_POLICY_VIOLATION);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('is lifted by a login', async () => {
      const gateway = new SignalingGateway(service, guard, new NoSignalingMetrics(), options, credentials, availability);
      const { fake, ws } = connect(gateway);
      gateway.login(ws, { type: 'login', username: 'alice' });
      await jest.advanceTimersByTimeAsync(0);
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(limits.loginTimeoutMs);
      expect(fake.closedWith).toBeUndefined();
    });

    it('is lifted when the socket closes first', () => {
      const gateway = new SignalingGateway(service, guard, new NoSignalingMetrics(), options, credentials, availability);
      connect(gateway).fake.close(1000);
      connect(gateway).fake.close(1006);
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
