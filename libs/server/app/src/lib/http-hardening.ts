import { LimitsConfig, TrustProxyConfig } from '@duet/server/config';
import { ClientAddress } from '@duet/server/signaling';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** How often Node checks pending requests against their deadlines (its default is 30 s). */
const DEADLINE_CHECK_INTERVAL_MS = 1_000;

/**
 * Bounds on what a client can hold before it has a WebSocket, where the upgrade's own caps cannot
 * see it (slowloris: many connections that send their request headers a byte at a time).
 * - Every request must have sent its headers within `httpHeadersTimeoutMs`, and finished within
 *   three times that (Node: 60 s and 300 s, checked every 30 s).
 * - TCP connections per source address: twice `maxConnectionsPerIp`, so a browser's page loads
 *   and keep-alive connections fit beside its WebSocket, and the upgrade's friendlier 429 is
 *   what a legitimate client meets first. Past it the connection is dropped on arrival.
 * - TCP connections in all: `maxConnections` plus the same headroom per server.
 * A trusted reverse proxy (`TRUST_PROXY`) speaks for many clients and has no per-address cap
 * here; the upgrade still caps each client it forwards for.
 * Call before `listen`.
 */
export function hardenHttpServer(server: Server, limits: LimitsConfig, trustProxy: TrustProxyConfig): void {
  const proxies = new ClientAddress(trustProxy);
  server.headersTimeout = limits.httpHeadersTimeoutMs;
  server.requestTimeout = limits.httpHeadersTimeoutMs * 3;
  // A creation option in Node's types, but read from the server when it starts listening; the
  // limits e2e spec measures that a slow request really is cut at the deadline.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = DEADLINE_CHECK_INTERVAL_MS;
  server.maxConnections = limits.maxConnections * 2;
  const perAddressCap = limits.maxConnectionsPerIp * 2;
  const perAddress = new Map<string, number>();
  // One listener for every connection (`this` is the socket), which carries the address it counts as.
  const release = function (this: Socket & { [COUNTED_AS]?: string }): void {
    const address = this[COUNTED_AS];
    if (address === undefined) return;
    const left = (perAddress.get(address) ?? 1) - 1;
    if (left === 0) perAddress.delete(address);
    else perAddress.set(address, left);
  };
  server.on('connection', (socket: Socket & { [COUNTED_AS]?: string }) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (proxies.isTrustedProxy(socket.remoteAddress)) return;
    const open = perAddress.get(address) ?? 0;
    if (open >= perAddressCap) {
      socket.destroy();
      return;
    }
    perAddress.set(address, open + 1);
    socket[COUNTED_AS] = address;
    socket.once('close', release);
  });
}

const COUNTED_AS = Symbol('per-address count');
