import { parseClientFrame } from '@duet/shared/protocol';
import { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * The event every invalid frame is routed to. Wire types are checked against the protocol before
 * routing, so no client message can reach this handler by naming it.
 */
export const PROTOCOL_VIOLATION = 'protocol-violation';

export interface SignalingTransportOptions {
  readonly maxPayloadBytes: number;
}

/**
 * `WsAdapter` with Duet's edge: every frame is validated against the shared protocol here, before
 * any handler runs. Valid `{"type": T, ...}` frames go to `@SubscribeMessage(T)` with the whole
 * message as body; everything else goes to `PROTOCOL_VIOLATION` so the sender gets an error
 * (the stock adapter would drop it silently).
 */
export class SignalingWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly transport: SignalingTransportOptions,
  ) {
    super(app, {
      messageParser: (frame) => {
        const result = parseClientFrame(typeof frame === 'string' ? frame : new Uint8Array(0));
        return result.ok
          ? { event: result.message.type, data: result.message }
          : { event: PROTOCOL_VIOLATION, data: result.violation };
      },
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

  override create(port: number, options: Record<string, unknown> = {}) {
    return super.create(port, {
      ...options,
      maxPayload: this.transport.maxPayloadBytes,
      // Signaling frames are small and latency-bound; compression would cost CPU and memory per
      // socket (zlib contexts) for nothing.
      perMessageDeflate: false,
    });
  }
}
