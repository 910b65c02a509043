import { IceCandidate } from '@duet/shared/protocol';

/** The DTLS certificate fingerprint an SDP announces: a new one means a new RTCPeerConnection. */
export function fingerprintOf(description: RTCSessionDescriptionInit | null): string | null {
  return description?.sdp?.match(/^a=fingerprint:(.+)$/m)?.[1]?.trim().toLowerCase() ?? null;
}

/** An offer from a connection other than the one whose description we agreed on last. */
export function isFromAnotherConnection(offer: RTCSessionDescriptionInit, agreed: RTCSessionDescriptionInit | null): boolean {
  const theirs = fingerprintOf(offer);
  const before = fingerprintOf(agreed);
  return theirs !== null && before !== null && theirs !== before;
}

export function toCandidateInit(candidate: RTCIceCandidate): IceCandidate {
  const init = typeof candidate.toJSON === 'function' ? candidate.toJSON() : candidate;
  return {
    candidate: init.candidate ?? '',
    sdpMid: init.sdpMid ?? null,
    sdpMLineIndex: init.sdpMLineIndex ?? null,
    usernameFragment: init.usernameFragment ?? null,
  };
}
