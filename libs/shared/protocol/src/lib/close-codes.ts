/**
 * WebSocket close codes on the signaling socket, as both sides read them (docs/protocol.md).
 * RFC 6455 codes first, then the application's own (4000-4999).
 */
export const CloseCode = {
  /** The client logs out (a clean close ends the session). */
  normal: 1000,
  /** The server shuts down, or the tab closes: reconnect (elsewhere) at once. */
  goingAway: 1001,
  /** No closing handshake (lost network, crash, a bound dropped it): never sent, only seen. */
  abnormal: 1006,
  /** Policy: abuse, or no login within `LOGIN_TIMEOUT_MS`. */
  policyViolation: 1008,
  /** The token the socket was opened with expired: reconnect with a fresh one. */
  credentialsExpired: 4401,
  /** The guest's invite was revoked: the session is over, and reconnecting is refused (401). */
  accessRevoked: 4403,
  /** In a cluster, this connection's name was given to another session while its server was cut off: log in again. */
  nameTaken: 4409,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
