/**
 * The pre-negotiated data channels of a call, beside the control channel (id 0). Both sides create
 * each one with the same id as soon as the connection exists, so none needs a `datachannel` event,
 * a new offer, or a message of its own. docs/protocol.md ("In-call data channels") lists them.
 */
export const CHAT_CHANNEL = { label: 'chat', id: 1 } as const;
export const FILES_CHANNEL = { label: 'files', id: 2 } as const;

export function openNegotiatedChannel(
  pc: RTCPeerConnection,
  { label, id }: { label: string; id: number },
): RTCDataChannel {
  return pc.createDataChannel(label, { negotiated: true, id, ordered: true });
}
