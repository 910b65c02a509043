/**
 * The event every invalid frame is routed to. Wire types are checked against the protocol before
 * routing, so no client message can reach this handler by naming it.
 */
export const PROTOCOL_VIOLATION = 'protocol-violation';
