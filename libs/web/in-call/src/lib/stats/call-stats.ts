/**
 * One second of a call in numbers, read from `RTCPeerConnection.getStats()`. Rates are deltas
 * between two reports, so the first sample of a call has none. Pure functions: the report is any
 * map of stats dictionaries, as the unit tests build it.
 */
export interface StatsSample {
  at: number;
  /** kbit/s sent and received, audio and video together; null on the first sample. */
  outboundKbps: number | null;
  inboundKbps: number | null;
  /**
   * How many streams (audio, video) have ever delivered a packet: browsers create an `inbound-rtp`
   * entry at a stream's first packet. None, on a connected call, means the other side sends nothing
   * (no camera or microphone, e.g. a page that is not a secure context), not that the path is bad.
   */
  inboundStreams: number;
  /** The selected candidate pair's current round-trip time. */
  rttMs: number | null;
  /** Inbound packets lost in this interval, in percent of those expected. */
  lossPercent: number | null;
  /** The worse of inbound audio and video jitter. */
  jitterMs: number | null;
  /** Of the received video. */
  fps: number | null;
  width: number | null;
  height: number | null;
  /** `host`, `srflx`, `prflx` or `relay`: the local and remote candidates of the selected pair. */
  localCandidateType: string | null;
  remoteCandidateType: string | null;
  /** Cumulative counters, for the next delta. */
  totals: { bytesSent: number; bytesReceived: number; packetsReceived: number; packetsLost: number };
}

type Stats = Record<string, unknown> & { id: string; type: string };
/** What summarizeStats reads of an `RTCStatsReport` (whose DOM typing offers `forEach` only). */
export interface StatsReportLike {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the DOM typing's own `any`
  forEach(callback: (value: any) => void): void;
}

export function summarizeStats(report: StatsReportLike, previous: StatsSample | null, at: number): StatsSample {
  const all: Stats[] = [];
  const byId = new Map<string, Stats>();
  report.forEach((value: Stats) => {
    all.push(value);
    byId.set(value.id, value);
  });
  const totals = { bytesSent: 0, bytesReceived: 0, packetsReceived: 0, packetsLost: 0 };
  let jitter: number | null = null;
  let video: Stats | undefined;
  let inboundStreams = 0;
  for (const stats of all) {
    if (stats.type === 'outbound-rtp') totals.bytesSent += num(stats['bytesSent']);
    if (stats.type !== 'inbound-rtp') continue;
    inboundStreams += 1;
    totals.bytesReceived += num(stats['bytesReceived']);
    totals.packetsReceived += num(stats['packetsReceived']);
    totals.packetsLost += Math.max(0, num(stats['packetsLost']));
    if (typeof stats['jitter'] === 'number') jitter = Math.max(jitter ?? 0, stats['jitter'] * 1_000);
    if (stats['kind'] === 'video' && (!video || num(stats['bytesReceived']) > num(video['bytesReceived']))) video = stats;
  }
  const pair = selectedPair(all, byId);
  const candidate = (id: unknown) => (typeof id === 'string' ? byId.get(id) : undefined);
  const seconds = previous ? (at - previous.at) / 1_000 : 0;
  const rate = (now: number, before: number | undefined) =>
    previous && seconds > 0 && before !== undefined ? Math.max(0, ((now - before) * 8) / 1_000 / seconds) : null;
  const received = totals.packetsReceived - (previous?.totals.packetsReceived ?? 0);
  const lost = totals.packetsLost - (previous?.totals.packetsLost ?? 0);
  return {
    at,
    outboundKbps: rate(totals.bytesSent, previous?.totals.bytesSent),
    inboundKbps: rate(totals.bytesReceived, previous?.totals.bytesReceived),
    inboundStreams,
    rttMs: typeof pair?.['currentRoundTripTime'] === 'number' ? pair['currentRoundTripTime'] * 1_000 : null,
    lossPercent: previous && received + lost > 0 ? (Math.max(0, lost) / (received + Math.max(0, lost))) * 100 : null,
    jitterMs: jitter,
    fps: typeof video?.['framesPerSecond'] === 'number' ? video['framesPerSecond'] : null,
    width: typeof video?.['frameWidth'] === 'number' ? video['frameWidth'] : null,
    height: typeof video?.['frameHeight'] === 'number' ? video['frameHeight'] : null,
    localCandidateType: str(candidate(pair?.['localCandidateId'])?.['candidateType']),
    remoteCandidateType: str(candidate(pair?.['remoteCandidateId'])?.['candidateType']),
    totals,
  };
}

/** The transport's selected pair; else (browsers that omit the id) the nominated pair in use. */
export function selectedPair(all: Stats[], byId: ReadonlyMap<string, Stats>): Stats | undefined {
  for (const stats of all) {
    if (stats.type === 'transport' && typeof stats['selectedCandidatePairId'] === 'string') {
      const pair = byId.get(stats['selectedCandidatePairId']);
      if (pair) return pair;
    }
  }
  return all.find((stats) => stats.type === 'candidate-pair' && stats['nominated'] === true && stats['state'] === 'succeeded');
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export type Quality = 'good' | 'fair' | 'poor';
/** The worst thing about the call right now, for the words beside the indicator. */
export type QualityReason = 'ok' | 'loss' | 'latency' | 'jitter' | 'no-media' | 'nothing-sent';

export interface QualityVerdict {
  quality: Quality;
  reason: QualityReason;
}

/**
 * Thresholds after ITU-T G.114 (one-way delay under 150 ms is good, so RTT 300 ms) and the usual
 * WebRTC rules of thumb for loss (2 % noticeable, 5 % bad) and jitter (30 ms noticeable).
 */
export function judgeQuality(sample: StatsSample): QualityVerdict {
  const { lossPercent: loss, rttMs: rtt, jitterMs: jitter } = sample;
  if (sample.inboundKbps === 0 && sample.inboundStreams === 0) {
    // Nothing was ever sent to us: the path can only be judged by its round trip.
    const quality = rtt !== null && rtt >= 600 ? 'poor' : rtt !== null && rtt >= 300 ? 'fair' : 'good';
    return { quality, reason: 'nothing-sent' };
  }
  if (sample.inboundKbps === 0) return { quality: 'poor', reason: 'no-media' };
  if (loss !== null && loss >= 5) return { quality: 'poor', reason: 'loss' };
  if (rtt !== null && rtt >= 600) return { quality: 'poor', reason: 'latency' };
  if (loss !== null && loss >= 2) return { quality: 'fair', reason: 'loss' };
  if (rtt !== null && rtt >= 300) return { quality: 'fair', reason: 'latency' };
  if (jitter !== null && jitter >= 30) return { quality: 'fair', reason: 'jitter' };
  return { quality: 'good', reason: 'ok' };
}
