import { sha256 } from '@noble/hashes/sha2';

/**
 * The call's verification code: six digits both people can read to each other. Each side hashes
 * the DTLS certificate fingerprints of the negotiated SDPs (its own and the other's), so a
 * signaling server that swapped a fingerprint to sit in the middle of the media would make the
 * two codes differ. docs/security.md ("Verification code") says what it proves and what it does not.
 */

/** Every `a=fingerprint:<algorithm> <hex>` of an SDP, normalised (lower-case algorithm, upper-case hex), sorted, deduplicated. */
export function sdpFingerprints(sdp: string): string[] {
  const found = new Set<string>();
  for (const match of sdp.matchAll(/^a=fingerprint:(\S+)\s+([0-9A-Fa-f:]+)\s*$/gm)) {
    found.add(`${match[1].toLowerCase()} ${match[2].toUpperCase()}`);
  }
  return [...found].sort();
}

/**
 * The code for a call whose descriptions are `localSdp` and `remoteSdp`, or null when either
 * carries no fingerprint. The two sides are ordered canonically (sorted), so caller and callee
 * hash the same bytes. SHA-256 in JavaScript (@noble/hashes), not `crypto.subtle`: browsers offer
 * Web Crypto only in a secure context, and the code must show over plain http on a LAN too. The
 * bytes and the digest are the same, so the code matches a peer that hashed with Web Crypto.
 */
export function verificationCode(localSdp: string, remoteSdp: string): string | null {
  const sides = [sdpFingerprints(localSdp), sdpFingerprints(remoteSdp)];
  if (sides.some((fingerprints) => fingerprints.length === 0)) return null;
  const canonical = sides.map((fingerprints) => fingerprints.join(',')).sort().join('\n');
  const digest = sha256(new TextEncoder().encode(`duet-verification-v1\n${canonical}`));
  // 32 bits mod 10^6: the bias (under 0.03 %) is irrelevant for a code read aloud.
  const number = new DataView(digest.buffer, digest.byteOffset, digest.byteLength).getUint32(0) % 1_000_000;
  const digits = number.toString().padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}
