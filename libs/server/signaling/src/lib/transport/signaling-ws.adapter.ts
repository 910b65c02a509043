import { DUET_SUBPROTOCOL } from '@duet/server/auth';
import { ErrorMessage, parseClientFrame } from '@duet/shared/protocol';
import { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageMappingProperties } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { RawData, WebSocket, WebSocketServer } from 'ws';
import { SIGNALING_OPTIONS, SignalingOptions } from '../signaling-options';
import { TokenBucket } from './token-bucket';
import { UpgradeGuard } from './upgrade-guard';

/**
 * The event every invalid frame is routed to. Wire types are checked against the protocol before
 * routing, so no client message can reach this handler by naming it.
 */
export const PROTOCOL_VIOLATION = 'protocol-violation';

/** Close codes: RFC 6455 1001 "going away" (shutdown), 1008 "policy violation" (abuse). */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY_VIOLATION = 1008;

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
 * stock adapter drops such frames silently). It also pings every socket and drops the silent ones,
 * and on shutdown tells clients to go elsewhere (1001) before the process exits.
 */
export class SignalingWsAdapter extends WsAdapter {
  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  private get options(): SignalingOptions {
    return this.app.get<SignalingOptions>(SIGNALING_OPTIONS);
  }

  private get guard(): UpgradeGuard {
    return this.app.get(UpgradeGuard);
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
    this.startHeartbeat(server, limits.heartbeatIntervalMs);
    return server;
  }

  /** Duet's handlers answer through their session, never by return value: nothing to transform. */
  override bindMessageHandlers(client: WebSocket, handlers: MessageMappingProperties[]): void {
    const byEvent = new Map(handlers.map((handler) => [handler.message as string, handler.callback]));
    const { messagesPerSecond, messageBurst } = this.options.limits;
    const bucket = new TokenBucket(messagesPerSecond, messageBurst);
    let refusedInARow = 0;

    client.on('message', (data: RawData, isBinary: boolean) => {
      if (!bucket.take()) {
        refusedInARow += 1;
        // Still sending after a whole burst was refused: not a busy client, an abusive one.
        if (refusedInARow > messageBurst) client.close(CLOSE_POLICY_VIOLATION, 'rate limit exceeded');
        else if (client.readyState === WebSocket.OPEN) client.send(RATE_LIMITED);
        return;
      }
      refusedInARow = 0;
      const result = parseClientFrame(isBinary ? new Uint8Array(0) : data.toString());
      const event = result.ok ? result.message.type : PROTOCOL_VIOLATION;
      byEvent.get(event)?.(result.ok ? result.message : result.violation, event);
    });
  }

  /**
   * A client's protocol breach (over-size frame, bad UTF-8, bad opcode) makes `ws` close that
   * socket; it is not a server fault, so it is logged at debug level, not as an error.
   */
  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (socket: WebSocket) =>
      socket.on('error', (error) => this.logger.debug(`client socket closed: ${error.message}`)),
    );
    server.on('error', (error) => this.logger.error(error));
    return server;
  }

  /** Graceful: refuse new upgrades, ask every client to leave (1001), then drop the stragglers. */
  override async close(server: WebSocketServer): Promise<void> {
    this.guard.stopAccepting();
    const open = [...server.clients];
    const closed = Promise.all(open.map((socket) => new Promise((resolve) => socket.once('close', resolve))));
    open.forEach((socket) => socket.close(CLOSE_GOING_AWAY, 'server shutting down'));
    await Promise.race([closed, delay(this.options.limits.shutdownTimeoutMs / 2)]);
    server.clients.forEach((socket) => socket.terminate());
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * The `ws` README's heartbeat, spread out: each socket has its own timer, first fired at a random
   * point of the interval, so pings (and the burst of pongs) never go to every socket in one tick.
   * A socket that has not answered the previous ping is gone (half-open TCP, sleeping laptop) and is
   * terminated, which ends its call. Detection takes at most two intervals.
   */
  private startHeartbeat(server: WebSocketServer, intervalMs: number): void {
    server.on('connection', (socket: WebSocket) => {
      let answered = true;
      socket.on('pong', () => {
        answered = true;
      });
      const beat = () => {
        if (!answered) {
          socket.terminate();
          return;
        }
        answered = false;
        socket.ping();
        timer = setTimeout(beat, intervalMs).unref();
      };
      let timer = setTimeout(beat, Math.random() * intervalMs).unref();
      socket.once('close', () => clearTimeout(timer));
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
