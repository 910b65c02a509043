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

  /**
   * Present when the sink is a client's connection to this instance (a `Session`): what a registry
   * may do with it beyond delivering (resume it elsewhere, close it). Absent on a sink that forwards
   * to another instance, so registries never need to know the concrete session class.
   */
  readonly connection?: ClientConnection;
}

/** A client's connection held by this instance, as registries and resumption see it. */
export interface ClientConnection {
  /** The client opted in to resume at login: its token is worth keeping. */
  readonly resumable: boolean;
  /** Shown once to the client; proves a later connection is the same client. */
  readonly resumeToken: string;
  /** Whether some connection could still take it over now (by its token, checked apart). */
  readonly isResumable: boolean;
  /** Whether a new connection showing `token` may take it over. */
  acceptsResume(token: string): boolean;
  /** Taken over: nothing of it may fire or write again. What was kept for the user, in order. */
  retire(): string[];
  /** Its name is no longer held: closed with `code` and `reason`, nothing of it undone later. */
  evict(code: number, reason: string): void;
}

