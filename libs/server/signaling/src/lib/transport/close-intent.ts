import { WebSocket } from 'ws';

/** Close codes: RFC 6455 1001 "going away" (shutdown), 1008 "policy violation" (abuse). */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY_VIOLATION = 1008;

/** Application close code (4000-4999): the token that opened the socket expired; reconnect with a fresh one. */
export const CLOSE_CREDENTIALS_EXPIRED = 4401;

/**
 * Application close code: this connection's name was given to another session while its server
 * was cut off from the shared directory (a cluster split); log in again.
 */
export const CLOSE_NAME_TAKEN = 4409;

/** Sockets the server closed on purpose (policy, protocol breach, shutdown): their users are not coming back. */
const closedOnPurpose = new WeakSet<WebSocket>();

/** Closes `socket` as a decision of the server's, which no resume may undo. */
export function closeOnPurpose(socket: WebSocket, code: number, reason: string): void {
  closedOnPurpose.add(socket);
  socket.close(code, reason);
}

/** Records that `socket` is closing on purpose (a protocol breach that `ws` closes by itself). */
export function markClosedOnPurpose(socket: WebSocket): void {
  closedOnPurpose.add(socket);
}

/**
 * Whether a closed socket's user is expected back: the connection died without a closing
 * handshake (1006: lost network, crash, or the heartbeat or backlog bound dropped it) and the
 * server did not close it on purpose, or its token expired (4401). A clean close by the client
 * (1000 log out, 1001 tab closed) ends the session.
 */
export function wasDropped(socket: WebSocket, code: number): boolean {
  return code === CLOSE_CREDENTIALS_EXPIRED || (code === 1006 && !closedOnPurpose.has(socket));
}
