import { AnswerDescription, IceCandidate, OfferDescription } from '@duet/shared/protocol';
import { RtcEnvironment } from '../media/rtc-environment';
import type { IceStartWatch } from '../recovery/ice-start-watch';
import { ControlMessage } from './control-channel';

/** What a session asks the signaling channel to carry to the other party. */
export type OutboundSignal =
  | { type: 'offer'; offer: OfferDescription }
  | { type: 'answer'; answer: AnswerDescription }
  | { type: 'candidate'; candidate: IceCandidate };

export interface CallSessionOptions {
  remoteUser: string;
  /** The polite side yields (rolls back its own offer) when both offer at once. */
  polite: boolean;
  iceServers: RTCIceServer[];
  /** `relay` when the operator forces TURN; `all` by default. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /**
   * Restarts ICE when a negotiation finished and ICE never started (the call's recovery decides
   * when: RecoveryPolicy, ice-start-watch.ts); without it, nothing watches.
   */
  watchIceStart?(stalled: () => boolean, restart: () => void): IceStartWatch;
  environment: RtcEnvironment;
  signal(message: OutboundSignal): void;
  remoteStream(stream: MediaStream): void;
  connectionStateChange(state: RTCPeerConnectionState): void;
  /** The control channel opened: a good moment to tell the other side our media state. */
  controlOpen(): void;
  control(message: ControlMessage): void;
  /**
   * The connection exists (before its first offer): in-call features (chat, files, stats, the
   * verification code) attach their own pre-negotiated channels and listeners here.
   */
  peerConnection?(pc: RTCPeerConnection): void;
}
