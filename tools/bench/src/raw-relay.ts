/**
 * The baseline: the least a Node signaling relay can do with the same frames in and out. A `ws`
 * server, a `Map` from name to socket, `JSON.parse` / `JSON.stringify`; it answers `login` and adds
 * `username` to what it relays, like Duet, and checks nothing (no schema, no call state, no
 * presence, no logging). Whatever Duet costs above this is the price of its checks and framework.
 *
 * With `CORK=1` it is the corked relay: the same work, but its writes are batched the way Duet
 * batches them. The first frame for a socket in a tick corks that socket's TCP stream, and one
 * `process.nextTick` uncorks every stream corked in the tick, so frames for one client leave in
 * one `writev` instead of one system call each. Duet relays faster than the plain relay mainly
 * for that reason (see docs/benchmarks.md); the corked relay is the floor with that lever too.
 *
 * Env: PORT (required), HOST (default 127.0.0.1), CORK (`1`: batch writes per tick).
 */
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

interface Frame {
  type?: unknown;
  otherUsername?: unknown;
  username?: string;
  [field: string]: unknown;
}

const port = Number(process.env['PORT']);
const host = process.env['HOST'] ?? '127.0.0.1';
if (!Number.isInteger(port) || port <= 0) {
  console.error('raw-relay: PORT must be a port number');
  process.exit(1);
}

const corkMode = process.env['CORK'] === '1';
/** Streams corked in this tick, uncorked together once it is over. */
const corked: Duplex[] = [];

function uncorkAll(): void {
  for (const stream of corked) stream.uncork();
  corked.length = 0;
}

/** `ws.send`, and in cork mode the first send to a socket in a tick corks its stream. */
function send(socket: WebSocket, text: string): void {
  if (corkMode) {
    // `ws` exposes the TCP stream only as `_socket` (Duet reaches the same stream as the upgrade
    // request's socket: its transport/tcp-stream.ts). `ws` corks it
    // itself only synchronously inside one send, so outside a send `writableCorked` is ours.
    const stream = (socket as unknown as { _socket: Duplex })._socket;
    if (stream.writableCorked === 0) {
      stream.cork();
      if (corked.push(stream) === 1) process.nextTick(uncorkAll);
    }
  }
  socket.send(text);
}

const users = new Map<string, WebSocket>();
const names = new WeakMap<WebSocket, string>();
// Duet's defaults: 64 KiB frames, no compression.
const server = new WebSocketServer({ host, port, path: '/ws', maxPayload: 65_536, perMessageDeflate: false });

server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    let message: Frame;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (message.type === 'login') {
      const username = String(message.username);
      users.set(username, socket);
      names.set(socket, username);
      send(socket, JSON.stringify({ type: 'login', success: true, username, iceServers: [] }));
      return;
    }
    const from = names.get(socket);
    const target = users.get(message.otherUsername as string);
    if (from === undefined || target === undefined) return;
    if (message.type === 'close') {
      send(target, JSON.stringify({ type: 'close', username: from, reason: 'hangup' }));
      return;
    }
    delete message.otherUsername;
    message.username = from;
    send(target, JSON.stringify(message));
  });
  socket.on('close', () => {
    const username = names.get(socket);
    if (username !== undefined && users.get(username) === socket) users.delete(username);
  });
  socket.on('error', () => socket.terminate());
});

server.on('listening', () => console.log(`${corkMode ? 'corked' : 'raw'} relay is serving on ws://${host}:${port}/ws`));
// No graceful close: the benchmark stops the relay only after its clients are gone.
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
