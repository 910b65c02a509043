import { loadConfig } from '@duet/server/config';
import { ServerMessage } from '@duet/shared/protocol';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { Session } from './session';
import { SignalingGateway } from './signaling.gateway';
import { SignalingService } from './signaling.service';
import { UpgradeGuard } from './transport/upgrade-guard';

const options = { iceServers: [], presenceLimit: 10, allowedOrigins: undefined, limits: loadConfig({}).limits };
const request = {} as IncomingMessage;
/** The guard's verdict is what the gateway trusts; here every upgrade passed as anonymous. */
const guard = { identityOf: (req: IncomingMessage | undefined) => (req === request ? {} : undefined) } as UpgradeGuard;

describe(SignalingGateway.name, () => {
  function socket() {
    const sent: ServerMessage[] = [];
    const ws = {
      readyState: WebSocket.OPEN,
      bufferedAmount: 0,
      send: (frame: string) => sent.push(JSON.parse(frame)),
      once: jest.fn(),
      terminate: jest.fn(),
    };
    return { ws: ws as unknown as WebSocket, sent };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('hands each message to the service with the session of its socket, in arrival order', async () => {
    const calls: string[] = [];
    const service = {
      login: jest.fn(async (session: Session) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        session.username = 'alice';
        calls.push('login');
      }),
      offer: jest.fn(async (session: Session) => {
        calls.push(`offer from ${session.username}`);
      }),
    } as unknown as SignalingService;
    const gateway = new SignalingGateway(service, guard, options);
    const { ws } = socket();
    gateway.handleConnection(ws, request);
    gateway.login(ws, { type: 'login', username: 'alice' });
    gateway.relayOffer(ws, { type: 'offer', offer: { type: 'offer', sdp: '' }, otherUsername: 'bob' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls).toEqual(['login', 'offer from alice']);
  });

  it('turns a failing handler into one internal error for the sender and keeps serving it', async () => {
    const service = {
      candidate: jest.fn(async () => {
        throw new Error('registry unavailable');
      }),
      close: jest.fn(async (session: Session) => session.send({ type: 'error', code: 'not-in-call', message: 'x' })),
    } as unknown as SignalingService;
    const gateway = new SignalingGateway(service, guard, options);
    jest.spyOn(gateway['logger'], 'error').mockImplementation(() => undefined);
    const { ws, sent } = socket();
    gateway.handleConnection(ws, request);
    gateway.relayCandidate(ws, { type: 'candidate', candidate: { candidate: '' }, otherUsername: 'bob' });
    gateway.hangUp(ws, { type: 'close' });
    await settle();
    await settle();
    expect(sent).toEqual([
      { type: 'error', code: 'internal', message: 'the server failed to handle that message' },
      { type: 'error', code: 'not-in-call', message: 'x' },
    ]);
  });

  it('routes a disconnect through the same queue, after the messages before it', async () => {
    const calls: string[] = [];
    const service = {
      login: jest.fn(async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        calls.push('login');
      }),
      disconnect: jest.fn(async () => {
        calls.push('disconnect');
      }),
    } as unknown as SignalingService;
    const gateway = new SignalingGateway(service, guard, options);
    const { ws } = socket();
    gateway.handleConnection(ws, request);
    gateway.login(ws, { type: 'login', username: 'alice' });
    gateway.handleDisconnect(ws);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls).toEqual(['login', 'disconnect']);
  });

  it('terminates a socket whose upgrade never passed the guard, without a session', () => {
    const service = { login: jest.fn() } as unknown as SignalingService;
    const gateway = new SignalingGateway(service, guard, options);
    const { ws } = socket();
    gateway.handleConnection(ws, {} as IncomingMessage);
    expect(ws.terminate).toHaveBeenCalled();
    gateway.login(ws, { type: 'login', username: 'alice' });
    expect(service.login).not.toHaveBeenCalled();
  });
});
