import { ServerMessage } from '@duet/shared/protocol';

/**
 * Where messages for one online user go. A local WebSocket session today; with scale-out, a proxy
 * that forwards to the instance holding the user's socket. Sending never throws and never waits.
 */
export interface MessageSink {
  send(message: ServerMessage): void;
}
