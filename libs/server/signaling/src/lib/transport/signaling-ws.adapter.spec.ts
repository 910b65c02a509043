import { INestApplicationContext } from '@nestjs/common';
import { MessageMappingProperties } from '@nestjs/websockets';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EMPTY, Observable } from 'rxjs';
import { RawData, WebSocket, WebSocketServer } from 'ws';
import { SignalingMetrics } from '../signaling-metrics';
import { SIGNALING_OPTIONS } from '../signaling-options';
import { Route, SignalingEndpoint } from './signaling-endpoint';
import { SignalingWsAdapter } from './signaling-ws.adapter';
import { tcpStreamOf } from './tcp-stream';
import { UpgradeGuard } from './upgrade-guard';

/** Owns the sockets it is told to (or opens), and routes `login` directly. */
class FakeEndpoint extends SignalingEndpoint {
  readonly path = '/ws';
  readonly own = new Set<WebSocket>();
  readonly direct: unknown[] = [];
  readonly opened: IncomingMessage[] = [];
  /** Whether `login` is all it handles (else it has a handler with a guard, say). */
  allDirect = false;
  handleConnection(socket: WebSocket, request?: IncomingMessage): void {
    if (request !== undefined) this.opened.push(request);
    this.own.add(socket);
  }
  routesAllDirect(): boolean {
    return this.allDirect;
  }
  owns(socket: WebSocket): boolean {
    return this.own.has(socket);
  }
  directRoutes(): ReadonlyMap<string, Route> {
    return new Map([['login', (_socket: WebSocket, message: unknown) => this.direct.push(message)]]);
  }
}

const limits = { maxPayloadBytes: 65_536, messagesPerSecond: 100, messageBurst: 200, heartbeatIntervalMs: 30_000, shutdownTimeoutMs: 1_000 };

describe(SignalingWsAdapter.name, () => {
  let http: Server;
  let endpoint: FakeEndpoint;
  let adapter: SignalingWsAdapter;
  let server: WebSocketServer;
  let url: string;
  const clients: WebSocket[] = [];

  beforeEach(async () => {
    endpoint = new FakeEndpoint();
    const services = new Map<unknown, unknown>([
      [SIGNALING_OPTIONS, { limits }],
      [UpgradeGuard, { verify: async () => ({ accepted: true }), stopAccepting: () => undefined }],
      [SignalingMetrics, { rateLimited: () => undefined }],
      [SignalingEndpoint, endpoint],
    ]);
    // The adapter takes the application for its HTTP server and its providers; a bare HTTP server
    // with `get` stands in for both.
    http = Object.assign(createServer(), { get: (token: unknown) => services.get(token) });
    adapter = new SignalingWsAdapter(http as unknown as INestApplicationContext);
    server = adapter.create(0, { path: '/ws' });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`;
  });

  afterEach(async () => {
    const open = clients.splice(0).filter((client) => client.readyState !== WebSocket.CLOSED);
    const closed = Promise.all(open.map((client) => once(client, 'close')));
    open.forEach((client) => client.terminate());
    await closed;
    await adapter.close(server);
    await new Promise((resolve) => http.close(resolve));
    // 'close' comes before libuv releases the listening handle, in the close phase that follows
    // the next check phase: the second `setImmediate` runs after it.
    for (let turn = 0; turn < 2; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  });

  async function connect(): Promise<{ client: WebSocket; socket: WebSocket }> {
    const accepted = once(server, 'connection');
    const client = new WebSocket(url);
    clients.push(client);
    await once(client, 'open');
    const [socket] = (await accepted) as [WebSocket];
    return { client, socket };
  }

  it("keeps each client's TCP stream: the one its WebSocket writes frames to", async () => {
    const { client, socket } = await connect();
    const stream = tcpStreamOf(socket);
    if (stream === undefined) throw new Error('no stream kept');
    stream.cork();
    socket.send('held back');
    expect(stream.writableLength).toBeGreaterThan(0);
    const received = once(client, 'message');
    stream.uncork();
    const [data] = (await received) as [RawData];
    expect(data.toString()).toBe('held back');
  });

  it("routes the endpoint's sockets to its direct routes, others through Nest, and binds Nest's disconnect only for others", async () => {
    const viaNest: unknown[] = [];
    const disconnected: string[] = [];
    const nestHandler = async (message: unknown) => viaNest.push(message);
    const handlers: MessageMappingProperties[] = [{ message: 'login', methodName: 'login', callback: nestHandler, isAckHandledManually: false }];
    const transform = (): Observable<unknown> => EMPTY;
    adapter.bindClientConnect(server, (socket: WebSocket) => {
      if (endpoint.own.size === 0) endpoint.own.add(socket);
      adapter.bindMessageHandlers(socket, handlers, transform);
      adapter.bindClientDisconnect(socket, () => disconnected.push(endpoint.owns(socket) ? 'owned' : 'other'));
    });
    const owned = await connect();
    const other = await connect();
    owned.client.send(JSON.stringify({ type: 'login', username: 'ann' }));
    other.client.send(JSON.stringify({ type: 'login', username: 'bob' }));
    const closed = Promise.all([owned, other].flatMap(({ client, socket }) => [once(client, 'close'), once(socket, 'close')]));
    owned.client.close();
    other.client.close();
    await closed;
    expect(endpoint.direct).toEqual([{ type: 'login', username: 'ann' }]);
    expect(viaNest).toEqual([{ type: 'login', username: 'bob' }]);
    expect(disconnected).toEqual(['other']);
  });

  it('opens the connections itself when every handler is direct: handleConnection, then the direct routes, Nest not called', async () => {
    endpoint.allDirect = true;
    const nestConnections: WebSocket[] = [];
    adapter.bindClientConnect(server, (socket: WebSocket) => nestConnections.push(socket));
    const { client, socket } = await connect();
    expect(endpoint.owns(socket)).toBe(true);
    expect(endpoint.opened).toHaveLength(1);
    const closed = Promise.all([once(client, 'close'), once(socket, 'close')]);
    client.send(JSON.stringify({ type: 'login', username: 'ann' }));
    client.send(JSON.stringify({ type: 'login', username: 'bob' }));
    await waitFor(() => endpoint.direct.length === 2);
    client.close();
    await closed;
    expect(endpoint.direct).toEqual([
      { type: 'login', username: 'ann' },
      { type: 'login', username: 'bob' },
    ]);
    expect(nestConnections).toEqual([]);
  });

  it('drops the socket, and keeps serving, when opening its connection throws', async () => {
    endpoint.allDirect = true;
    adapter.bindClientConnect(server, () => undefined);
    const open = endpoint.handleConnection.bind(endpoint);
    endpoint.handleConnection = () => {
      throw new Error('a bug in handleConnection');
    };
    const client = new WebSocket(url);
    clients.push(client);
    await once(client, 'close');
    endpoint.handleConnection = open;
    const { socket } = await connect();
    expect(endpoint.owns(socket)).toBe(true);
  });

  it("leaves the connections to Nest's pipeline when a handler is not direct (a guard bound to it)", async () => {
    endpoint.allDirect = false;
    const nestConnections: WebSocket[] = [];
    adapter.bindClientConnect(server, (socket: WebSocket) => nestConnections.push(socket));
    const { socket } = await connect();
    expect(nestConnections).toEqual([socket]);
    expect(endpoint.opened).toEqual([]);
  });

  it("leaves the connections of another path's server to Nest", async () => {
    endpoint.allDirect = true;
    const other = adapter.create(0, { path: '/elsewhere' });
    const nestConnections: WebSocket[] = [];
    adapter.bindClientConnect(other, (socket: WebSocket) => nestConnections.push(socket));
    const accepted = once(other, 'connection');
    const client = new WebSocket(url.replace(/\/ws$/, '/elsewhere'));
    clients.push(client);
    const [[socket]] = (await Promise.all([accepted, once(client, 'open')])) as [[WebSocket], unknown];
    expect(nestConnections).toEqual([socket]);
    expect(endpoint.opened).toEqual([]);
    const closed = once(client, 'close');
    await adapter.close(other);
    await closed;
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
