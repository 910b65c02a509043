/**
 * The baseline: the least a Node signaling relay can do with the same frames in and out. A `ws`
 * server, a `Map` from name to socket, `JSON.parse` / `JSON.stringify`; it answers `login` and adds
 * `username` to what it relays, like Duet, and checks nothing (no schema, no call state, no
 * presence, no logging). Whatever Duet costs above this is the price of its checks and framework.
 *
 * Env: PORT (required), HOST (default 127.0.0.1).
 */
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
      socket.send(JSON.stringify({ type: 'login', success: true, username, iceServers: [] }));
      return;
    }
    const from = names.get(socket);
    const target = users.get(message.otherUsername as string);
    if (from === undefined || target === undefined) return;
    if (message.type === 'close') {
      target.send(JSON.stringify({ type: 'close', username: from, reason: 'hangup' }));
      return;
    }
    delete message.otherUsername;
    message.username = from;
    target.send(JSON.stringify(message));
  });
  socket.on('close', () => {
    const username = names.get(socket);
    if (username !== undefined && users.get(username) === socket) users.delete(username);
  });
  socket.on('error', () => socket.terminate());
});

server.on('listening', () => console.log(`raw relay is serving on ws://${host}:${port}/ws`));
// No graceful close: the benchmark stops the relay only after its clients are gone.
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
