import type { RemoteMediaState } from '../engine/control-channel';
import { MediaKind, MediaSample } from './media-stall-watch';

interface Inbound {
  packets: Record<MediaKind, number>;
  framesDecoded: number;
}

/** RTP packets received so far per kind on `pc`, and video frames decoded (inbound-rtp); null if stats cannot be read. */
export async function inboundMedia(pc: RTCPeerConnection): Promise<Inbound | null> {
  let report: RTCStatsReport;
  try {
    report = await pc.getStats();
  } catch {
    // Closed meanwhile: nothing to judge.
    return null;
  }
  const inbound: Inbound = { packets: { audio: 0, video: 0 }, framesDecoded: 0 };
  report.forEach((stats: { type?: string; kind?: string; packetsReceived?: number; framesDecoded?: number }) => {
    if (stats.type !== 'inbound-rtp' || (stats.kind !== 'audio' && stats.kind !== 'video')) return;
    inbound.packets[stats.kind] += stats.packetsReceived ?? 0;
    if (stats.kind === 'video') inbound.framesDecoded += stats.framesDecoded ?? 0;
  });
  return inbound;
}

/** The ICE username fragment of `pc`'s remote description: a new one means someone restarted ICE. */
export function remoteIceGeneration(pc: RTCPeerConnection): string | null {
  const sdp = pc.remoteDescription?.sdp ?? '';
  return /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1] ?? null;
}

/**
 * A look at `pc` for MediaStallWatch: `media` is the peer's last `media-state`, `peerReachable`
 * what signaling says of the peer (our socket logged in, the peer not reported away).
 */
export async function mediaSample(pc: RTCPeerConnection, media: RemoteMediaState, peerReachable: boolean): Promise<MediaSample | null> {
  const inbound = await inboundMedia(pc);
  if (!inbound) return null;
  return {
    at: Date.now(),
    connection: pc,
    ...inbound,
    // A muted microphone may still send silence, but no browser promises it: not counted on.
    expected: { audio: !media.micMuted, video: !media.cameraOff || media.screenSharing },
    peerReachable,
    settled: pc.connectionState === 'connected' && pc.signalingState === 'stable',
    iceGeneration: remoteIceGeneration(pc),
  };
}
