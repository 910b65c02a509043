import { WebSocket } from 'ws';

/**
 * Bytes the server may have queued for one client, whoever queued them: replies, relayed
 * messages, pongs, rate-limit notices. Signaling traffic to one client is a few kB at a time;
 * a backlog this large means the client has stopped reading, and it is terminated rather than
 * allowed to pin server memory. Per connection the server holds at most this plus one frame.
 */
export const MAX_SEND_BACKLOG_BYTES = 256 * 1024;

/**
 * The part of a client's backlog its call partner may fill. Past it, messages relayed to the
 * client are refused (the sender is told), so a peer can slow a call down but can never push
 * the other user over `MAX_SEND_BACKLOG_BYTES` and get them disconnected.
 */
export const MAX_RELAY_BACKLOG_BYTES = MAX_SEND_BACKLOG_BYTES / 2;

/**
 * True when `socket` may take another frame. A client past the bound is terminated here, once,
 * whatever was about to be written to it.
 */
export function admitsWrite(socket: WebSocket): boolean {
  if (socket.readyState !== WebSocket.OPEN) return false;
  if (socket.bufferedAmount <= MAX_SEND_BACKLOG_BYTES) return true;
  socket.terminate();
  return false;
}
