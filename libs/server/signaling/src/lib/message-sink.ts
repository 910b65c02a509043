import { ServerMessage } from '@duet/shared/protocol';

/**
 * Where messages for one online user go. A local WebSocket session today; with scale-out, a proxy
 * that forwards to the instance holding the user's socket. Sending never throws and never waits.
 */
export interface MessageSink {
  /** A message from the server itself (replies, presence, call endings). */
  send(message: ServerMessage): void;

  /**
   * A message another user sent (offer, answer, candidate). False, and nothing sent, when the
   * recipient is too far behind to take more from its peer: one user may not spend another's
   * send backlog.
   */
  relay(message: ServerMessage): boolean;
}
