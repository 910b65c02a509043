import { CloseCode } from '@duet/shared/protocol';
import { WebSocket } from 'ws';

/** Close codes (their numbers and meaning: `CloseCode` in the protocol lib). */
export const CLOSE_GOING_AWAY = CloseCode.goingAway;
export const CLOSE_POLICY_VIOLATION = CloseCode.policyViolation;
export const CLOSE_CREDENTIALS_EXPIRED = CloseCode.credentialsExpired;
export const CLOSE_NAME_TAKEN = CloseCode.nameTaken;

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
  return code === CLOSE_CREDENTIALS_EXPIRED || (code === CloseCode.abnormal && !closedOnPurpose.has(socket));
}
