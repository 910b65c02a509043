import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';

/** Hands one validated message to a gateway handler: `(socket, message)`, Nest's default arguments. */
export type Route = (socket: WebSocket, payload: unknown) => unknown;

/**
 * What `SignalingWsAdapter` needs from the gateway it serves, so that transport never imports the
 * gateway: the signaling module provides its gateway under this token. An application without it
 * gets the stock `WsAdapter` behaviour for every socket (every message through Nest).
 */
export abstract class SignalingEndpoint {
  /** The path its sockets are served on (its `@WebSocketGateway` path). */
  abstract readonly path: string;

  /** Opens the connection of `socket` (Nest's `OnGatewayConnection`); `owns(socket)` after it, unless refused. */
  abstract handleConnection(socket: WebSocket, request?: IncomingMessage): void;

  /**
   * Whether `directRoutes` holds every handler the endpoint has. Then the adapter opens its
   * connections itself, calling `handleConnection` past Nest's per-connection pipeline (an rxjs
   * subject, a bound callback per handler, a map of them); otherwise Nest opens them.
   */
  abstract routesAllDirect(): boolean;

  /**
   * Whether `socket` is one of this endpoint's connections. Its messages may take the direct
   * routes, and the adapter binds no Nest disconnect event to it: the endpoint follows its
   * sockets' `close` itself (only that event carries the close code) and has no `handleDisconnect`.
   */
  abstract owns(socket: WebSocket): boolean;

  /**
   * The endpoint's handlers to call directly by message type, past Nest's per-message wrapper;
   * asked once, when the first connection arrives (every decorator has run by then). A type left
   * out goes through Nest with its guards, interceptors, pipes and filters, so a handler with any
   * of them must be left out (`directRoutesOf` does that).
   */
  abstract directRoutes(): ReadonlyMap<string, Route>;
}
