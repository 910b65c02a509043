import { IceCandidate } from '@duet/shared/protocol';

/** More than any real gathering makes (a few per interface and server); a runaway one is cut here. */
export const MAX_DIALLED_CANDIDATES = 100;

/**
 * Our ICE candidates of a dialled call until it is answered. A callee who is offline gets no
 * candidate while the server rings their devices (nobody to relay to: the server refuses them),
 * so they are held; when the callee's app signs in and the server continues the ring as a call
 * with a new `callId` (`ringing` with `replaces`), all of them are sent again under it. Without
 * that the callee would learn none of ours (the offer carries none: trickle ICE), and a relay-only
 * path (our TURN address) could never be found.
 */
export class DialledCandidates {
  private readonly sent: IceCandidate[] = [];
  private holding = false;

  /** Records `candidate`; false when it must not be sent now (the callee's devices are ringing). */
  keep(candidate: IceCandidate): boolean {
    if (this.sent.length < MAX_DIALLED_CANDIDATES) this.sent.push(candidate);
    return !this.holding;
  }

  /** The server rings the callee's devices: hold candidates until the call goes on. */
  hold(): void {
    this.holding = true;
  }

  /** The ring became a call the callee's app is in: every candidate so far, to send again; later ones go out at once. */
  release(): readonly IceCandidate[] {
    this.holding = false;
    return [...this.sent];
  }
}
