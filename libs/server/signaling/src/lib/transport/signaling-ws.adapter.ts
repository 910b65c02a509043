import { DUET_SUBPROTOCOL } from '@duet/server/auth';
import { ErrorMessage, parseClientFrame } from '@duet/shared/protocol';
import { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageMappingProperties } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { Observable } from 'rxjs';
import { RawData, WebSocket, WebSocketServer } from 'ws';
import { SignalingMetrics } from '../signaling-metrics';
import { SIGNALING_OPTIONS, SignalingOptions } from '../signaling-options';
import { admitsWrite } from './backlog';
import { CLOSE_GOING_AWAY, CLOSE_POLICY_VIOLATION, closeOnPurpose, markClosedOnPurpose } from './close-intent';
import { FrameBudget } from './frame-budget';
import { Heartbeat } from './heartbeat';
import { PROTOCOL_VIOLATION } from './protocol-violation';
import { Route, SignalingEndpoint } from './signaling-endpoint';
import { keepTcpStream } from './tcp-stream';
import { UpgradeGuard } from './upgrade-guard';

/**
 * Fragments one message may arrive in. Browsers send signaling messages whole; `ws`'s default
 * (16,384) let one connection pin ~2 MiB of fragment bookkeeping while staying under `maxPayload`.
 */
export const MAX_FRAGMENTS = 16;

const RATE_LIMITED = JSON.stringify({
  type: 'error',
  code: 'rate-limited',
  message: 'too many messages; this one was dropped',
} satisfies ErrorMessage);

/**
 * `WsAdapter` with Duet's edge. Before a socket exists, `UpgradeGuard` checks origin, connection
 * caps and authentication. On each frame, in order: the connection's token bucket, then validation
 * against the shared protocol; valid `{"type": T}` frames go to `@SubscribeMessage(T)` with the
 * whole message as body, anything else to `PROTOCOL_VIOLATION` so the sender gets an error (the
 * stock adapter drops such frames silently). Every frame a client sends, pings and pongs included,
 * counts against its rate limit, and everything written back counts against its send backlog
 * (`backlog.ts`). It also pings every socket and drops the silent ones (`heartbeat.ts`), and on
 * shutdown tells clients to go elsewhere (1001) before the process exits. It knows the gateway
 * only as the `SignalingEndpoint` the signaling module provides (see the lib's README).
 */
export class SignalingWsAdapter extends WsAdapter {
  /** Computed at the first connection, once every decorator has run. */
  private direct: ReadonlyMap<string, Route> | undefined;
  private connectsDirectly: boolean | undefined;
  /** The servers of the signaling endpoint's path, whose connections it may open itself. */
  private readonly endpointServers = new WeakSet<WebSocketServer>();
  private signalingEndpoint: SignalingEndpoint | null | undefined;
  private signalingMetrics: SignalingMetrics | undefined;
  private signalingOptions: SignalingOptions | undefined;

  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  private get options(): SignalingOptions {
    if (this.signalingOptions === undefined) this.signalingOptions = this.app.get<SignalingOptions>(SIGNALING_OPTIONS);
    return this.signalingOptions;
  }

  private get guard(): UpgradeGuard {
    return this.app.get(UpgradeGuard);
  }

  private get metrics(): SignalingMetrics {
    if (this.signalingMetrics === undefined) this.signalingMetrics = this.app.get<SignalingMetrics>(SignalingMetrics);
    return this.signalingMetrics;
  }

  override create(port: number, options: Record<string, unknown> = {}) {
    const { limits } = this.options;
    const guard = this.guard;
    const server: WebSocketServer = super.create(port, {
      ...options,
      maxPayload: limits.maxPayloadBytes,
      // Signaling frames are small and latency-bound; compression would cost CPU and a zlib
      // context per socket for nothing.
      perMessageDeflate: false,
      maxFragments: MAX_FRAGMENTS,
      // Pongs are written by the `ping` listener, through the same budget and backlog bound as
      // everything else: `ws`'s automatic pong would let a client that never reads grow its
      // backlog without bound by flooding pings.
      autoPong: false,
      verifyClient: (
        info: { req: IncomingMessage },
        done: (accepted: boolean, status?: number, message?: string) => void,
      ) => {
        guard.verify(info.req).then(
          (verdict) => (verdict.accepted ? done(true) : done(false, verdict.status, verdict.message)),
          () => done(false, 500, 'internal error'),
        );
      },
      // Browsers that send a token as a subprotocol also offer `duet`; answering with it (never
      // with the token) completes their handshake.
      handleProtocols: (protocols: Set<string>) => (protocols.has(DUET_SUBPROTOCOL) ? DUET_SUBPROTOCOL : false),
    });
    const heartbeat = new Heartbeat(limits.heartbeatIntervalMs);
    server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
      keepTcpStream(socket, request);
      heartbeat.watch(socket);
    });
    if (this.endpoint !== undefined && options['path'] === this.endpoint.path) this.endpointServers.add(server);
    return server;
  }

  /**
   * The signaling endpoint's connections are opened here, not by Nest, when every handler of the
   * endpoint is direct: `handleConnection`, then its direct routes, as Nest's pipeline would (Nest
   * binds nothing else for it: no disconnect event, see `bindClientDisconnect`). That pipeline
   * (an rxjs subject, a callback bound per handler, a map of them, per connection) was about 4 %
   * of a call set-up's CPU. A gateway with any enhancer keeps Nest's pipeline, as do other servers.
   */
  override bindClientConnect(server: WebSocketServer, callback: (socket: WebSocket, request: IncomingMessage) => void): void {
    const endpoint = this.endpointServers.has(server) ? this.endpoint : undefined;
    if (endpoint === undefined) return super.bindClientConnect(server, callback);
    server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
      this.connectsDirectly ??= endpoint.routesAllDirect();
      if (!this.connectsDirectly) return callback(socket, request);
      try {
        endpoint.handleConnection(socket, request);
      } catch (error) {
        // Nothing but Nest's pipeline stood between this and the process: a bug costs the socket.
        this.logger.error(error);
        socket.terminate();
        return;
      }
      if (endpoint.owns(socket)) this.listen(socket, this.directRoutes());
    });
  }

  /**
   * Duet's handlers answer through their session, never by return value. The handlers the
   * endpoint lists as direct (none with a guard, interceptor, pipe or filter) are called directly;
   * the others go through Nest, whose result `transform` subscribes to (see `routesFor`).
   */
  override bindMessageHandlers(
    client: WebSocket,
    handlers: MessageMappingProperties[],
    transform: (result: unknown) => Observable<unknown>,
  ): void {
    this.listen(client, this.routesFor(client, handlers, transform));
  }

  private listen(client: WebSocket, routes: ReadonlyMap<string, Route>): void {
    const inbound = client as Inbound;
    const { messagesPerSecond, messageBurst } = this.options.limits;
    inbound[BUDGET] = new FrameBudget(messagesPerSecond, messageBurst);
    inbound[ROUTES] = routes;
    // One set of listeners for every client (they get it as `this`): no closures per connection.
    client.on('message', this.listeners.message);
    client.on('ping', this.listeners.ping);
    client.on('pong', this.listeners.pong);
  }

  /**
   * Nest's disconnect event feeds only `handleDisconnect`, which the signaling endpoint does not
   * have (`SignalingEndpoint.owns`): its sockets are spared a listener and a closure each.
   */
  override bindClientDisconnect(client: WebSocket, callback: () => void): void {
    if (!this.endpoint?.owns(client)) super.bindClientDisconnect(client, callback);
  }

  private readonly listeners = inboundListeners({
    admit: (client) => this.admit(client),
    frame: (client, data, isBinary) => this.routeFrame(client, data, isBinary),
  });

  /** Every inbound frame passes here first; false when it must be dropped. */
  private admit(client: Inbound): boolean {
    const verdict = client[BUDGET].take();
    if (verdict === 'ok') return true;
    this.metrics.rateLimited();
    if (verdict === 'abusive') closeOnPurpose(client, CLOSE_POLICY_VIOLATION, 'rate limit exceeded');
    else if (admitsWrite(client)) client.send(RATE_LIMITED);
    return false;
  }

  private routeFrame(client: Inbound, data: RawData, isBinary: boolean): void {
    const result = parseClientFrame(isBinary ? new Uint8Array(0) : data.toString());
    const route = client[ROUTES].get(result.ok ? result.message.type : PROTOCOL_VIOLATION);
    try {
      route?.(client, result.ok ? result.message : result.violation);
    } catch (error) {
      // A direct route has no Nest exception filter behind it; a bug costs this frame, never the process.
      this.logger.error(error);
    }
  }

  /**
   * Shared direct routes when the signaling endpoint owns `client` and lists every handler as
   * direct (no per-connection closures); otherwise a map per client, through Nest where needed.
   */
  private routesFor(
    client: WebSocket,
    handlers: MessageMappingProperties[],
    transform: (result: unknown) => Observable<unknown>,
  ): ReadonlyMap<string, Route> {
    const direct = this.endpoint?.owns(client) ? this.directRoutes() : NO_ROUTES;
    if (handlers.every((handler) => direct.has(handler.message as string))) return direct;
    // Through Nest, a handler runs only once its result is subscribed to (interceptors make it a
    // cold observable); what it returns is not sent: Duet answers through sessions.
    const viaNest =
      (callback: MessageMappingProperties['callback'], message: unknown): Route =>
      (_socket, payload) =>
        transform(callback(payload, message)).subscribe({ error: (error: unknown) => this.logger.error(error) });
    return new Map(
      handlers.map(({ message, callback }): [string, Route] => [message as string, direct.get(message as string) ?? viaNest(callback, message)]),
    );
  }

  private directRoutes(): ReadonlyMap<string, Route> {
    this.direct ??= this.endpoint?.directRoutes() ?? NO_ROUTES;
    return this.direct;
  }

  private get endpoint(): SignalingEndpoint | undefined {
    if (this.signalingEndpoint === undefined) {
      try {
        this.signalingEndpoint = this.app.get(SignalingEndpoint, { strict: false });
      } catch {
        this.signalingEndpoint = null;
      }
    }
    return this.signalingEndpoint ?? undefined;
  }

  /**
   * A client's protocol breach (over-size frame, bad UTF-8, bad opcode) makes `ws` close that
   * socket; it is not a server fault, so it is logged at debug level, not as an error.
   */
  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (socket: WebSocket) => socket.on('error', this.onClientError));
    server.on('error', (error) => this.logger.error(error));
    return server;
  }

  /** One listener for every socket (`this` is the socket): no closure per connection. */
  private readonly onClientError = ((logger: { debug(message: string): void }) =>
    function (this: WebSocket, error: Error): void {
      markClosedOnPurpose(this);
      logger.debug(`client socket closed: ${error.message}`);
    })(this.logger);

  /** Graceful: refuse new upgrades, ask every client to leave (1001), then drop the stragglers. */
  override async close(server: WebSocketServer): Promise<void> {
    this.guard.stopAccepting();
    const open = [...server.clients];
    const closed = Promise.all(open.map((socket) => new Promise((resolve) => socket.once('close', resolve))));
    open.forEach((socket) => closeOnPurpose(socket, CLOSE_GOING_AWAY, 'server shutting down'));
    await atMost(closed, this.options.limits.shutdownTimeoutMs / 2);
    server.clients.forEach((socket) => socket.terminate());
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const NO_ROUTES: ReadonlyMap<string, Route> = new Map();

const BUDGET = Symbol('frame budget');
const ROUTES = Symbol('routes');

/** A client as the adapter keeps it: its rate budget and where its messages go, on the socket itself. */
type Inbound = WebSocket & { [BUDGET]: FrameBudget; [ROUTES]: ReadonlyMap<string, Route> };

/** Listeners shared by all clients: `ws` calls them with the client as `this`. */
function inboundListeners(handle: {
  admit(client: Inbound): boolean;
  frame(client: Inbound, data: RawData, isBinary: boolean): void;
}) {
  return {
    message(this: WebSocket, data: RawData, isBinary: boolean): void {
      if (handle.admit(this as Inbound)) handle.frame(this as Inbound, data, isBinary);
    },
    ping(this: WebSocket, data: Buffer): void {
      if (handle.admit(this as Inbound) && admitsWrite(this)) this.pong(data);
    },
    pong(this: WebSocket): void {
      handle.admit(this as Inbound);
    },
  };
}

/** Waits for `promise`, or `ms` at most, and leaves no timer armed either way. */
async function atMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms).unref()));
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
