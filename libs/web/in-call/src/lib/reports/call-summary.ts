import { BrowserFamily, CallPath, CallSummary, CallTransport, VideoDirection } from '@duet/shared/protocol';
import { StatsReportLike, selectedPair } from '../stats/call-stats';

type Stats = Record<string, unknown> & { id: string; type: string };

/** Kept per call: at most this many RTT readings (an hour of readings every 2 s). */
const MAX_RTT_READINGS = 1_800;

/**
 * A call's stats summed up for its report (issue 26): fed each `getStats()` reading the stats
 * service takes, asked once at hang-up. Counters are the last reading's (they are cumulative);
 * round trips and jitter are every reading's. Pure: reports are any map of stats dictionaries.
 */
export class CallSummaryTracker {
  private last: Stats[] = [];
  private byId = new Map<string, Stats>();
  private readonly rtts: number[] = [];
  private jitterSum = 0;
  private jitterReadings = 0;
  private connectedAt: number | null = null;
  private lastAt: number | null = null;
  private firstFrameAt: number | null = null;
  private readonly iceFragments = new Set<string>();

  constructor(private readonly startedAt: number) {}

  /** The connection reached `connected` (the first time counts: time to first frame starts there). */
  connected(at: number): void {
    this.connectedAt ??= at;
  }

  add(report: StatsReportLike, at: number): void {
    const all: Stats[] = [];
    const byId = new Map<string, Stats>();
    report.forEach((value: Stats) => {
      all.push(value);
      byId.set(value.id, value);
    });
    this.last = all;
    this.byId = byId;
    this.lastAt = at;
    const pair = selectedPair(all, byId);
    if (typeof pair?.['currentRoundTripTime'] === 'number' && this.rtts.length < MAX_RTT_READINGS) this.rtts.push(pair['currentRoundTripTime'] * 1_000);
    for (const stats of all) {
      if (stats.type === 'transport' && typeof stats['iceLocalUsernameFragment'] === 'string') this.iceFragments.add(stats['iceLocalUsernameFragment']);
      if (stats.type === 'inbound-rtp' && typeof stats['jitter'] === 'number') {
        this.jitterSum += stats['jitter'] * 1_000;
        this.jitterReadings += 1;
      }
    }
    const video = inboundVideo(all);
    if (this.firstFrameAt === null && video !== undefined && num(video['framesDecoded']) > 0) {
      // The frames already shown at this reading arrived before it: back-date by their share of the interval.
      const fps = num(video['framesPerSecond']);
      this.firstFrameAt = Math.max(this.connectedAt ?? at, at - (fps > 0 ? (num(video['framesDecoded']) / fps) * 1_000 : 0));
    }
  }

  /** The call's summary, or null when no reading was ever taken (the call never connected). */
  summary(endedAt: number, userAgent: string): CallSummary | null {
    if (this.lastAt === null) return null;
    const all = this.last;
    const pair = selectedPair(all, this.byId);
    const local = typeof pair?.['localCandidateId'] === 'string' ? this.byId.get(pair['localCandidateId']) : undefined;
    let lost = 0;
    let received = 0;
    for (const stats of all) {
      if (stats.type !== 'inbound-rtp') continue;
      lost += Math.max(0, num(stats['packetsLost']));
      received += num(stats['packetsReceived']);
    }
    const inbound = inboundVideo(all);
    const outbound = all.filter((stats) => stats.type === 'outbound-rtp' && stats['kind'] === 'video').sort((a, b) => num(b['framesSent']) - num(a['framesSent']))[0];
    const audio = all.find((stats) => stats.type === 'inbound-rtp' && stats['kind'] === 'audio') ?? all.find((stats) => stats.type === 'outbound-rtp' && stats['kind'] === 'audio');
    const durationSeconds = Math.max(0, (endedAt - (this.connectedAt ?? this.startedAt)) / 1_000);
    // Frame counts are the last reading's: averaged over the time up to it.
    const measuredSeconds = Math.max(0, (this.lastAt - (this.connectedAt ?? this.startedAt)) / 1_000);
    const sorted = [...this.rtts].sort((a, b) => a - b);
    return {
      durationSeconds: round(durationSeconds, 1),
      path: pathOf(local?.['candidateType']),
      transport: transportOf(local),
      audioCodec: this.codecOf(audio),
      rttMs: sorted.length === 0 ? undefined : { p50: round(percentile(sorted, 0.5), 1), p95: round(percentile(sorted, 0.95), 1) },
      lossRatio: received + lost > 0 ? round(lost / (received + lost), 4) : 0,
      jitterMs: this.jitterReadings > 0 ? round(this.jitterSum / this.jitterReadings, 1) : 0,
      freezeCount: num(inbound?.['freezeCount']),
      freezeSeconds: round(num(inbound?.['totalFreezesDuration']), 2),
      sent: this.direction(outbound, 'framesSent', measuredSeconds),
      received: this.direction(inbound, 'framesDecoded', measuredSeconds),
      firstFrameMs: this.firstFrameAt === null || this.connectedAt === null ? undefined : Math.round(Math.min(600_000, this.firstFrameAt - this.connectedAt)),
      iceRestarts: Math.max(0, this.iceFragments.size - 1),
      browser: browserOf(userAgent),
    };
  }

  private direction(stats: Stats | undefined, frames: 'framesSent' | 'framesDecoded', seconds: number): VideoDirection {
    const count = num(stats?.[frames]);
    return {
      codec: this.codecOf(stats),
      frames: count,
      averageFps: seconds > 0 ? Math.min(240, round(count / seconds, 1)) : 0,
      width: num(stats?.['frameWidth']),
      height: num(stats?.['frameHeight']),
    };
  }

  private codecOf(stats: Stats | undefined): string | undefined {
    const codec = typeof stats?.['codecId'] === 'string' ? this.byId.get(stats['codecId']) : undefined;
    const mime = codec?.['mimeType'];
    return typeof mime === 'string' && /^[A-Za-z0-9]+\/[A-Za-z0-9._-]{1,32}$/.test(mime) ? mime : undefined;
  }
}

/** Chrome, Edge, Firefox or Safari and the major version, from the user agent; `other` 0 when unsure. */
export function browserOf(userAgent: string): { family: BrowserFamily; major: number } {
  const rules: [BrowserFamily, RegExp][] = [
    ['edge', /Edg(?:e|A|iOS)?\/(\d+)/],
    ['firefox', /(?:Firefox|FxiOS)\/(\d+)/],
    ['chrome', /(?:Chrome|Chromium|CriOS)\/(\d+)/],
    ['safari', /Version\/(\d+).*Safari\//],
  ];
  for (const [family, pattern] of rules) {
    const match = pattern.exec(userAgent);
    if (match) return { family, major: Math.min(999, Number(match[1])) };
  }
  return { family: 'other', major: 0 };
}

function pathOf(type: unknown): CallPath {
  return type === 'host' || type === 'srflx' || type === 'prflx' || type === 'relay' ? type : 'unknown';
}

/** UDP or TCP to the peer; to a TURN server, how the browser reached it (`relayProtocol`: TLS is `tls`). */
function transportOf(local: Stats | undefined): CallTransport {
  const protocol = local?.['candidateType'] === 'relay' ? (local['relayProtocol'] ?? local['protocol']) : local?.['protocol'];
  return protocol === 'udp' || protocol === 'tcp' || protocol === 'tls' ? protocol : 'unknown';
}

function inboundVideo(all: Stats[]): Stats | undefined {
  return all.filter((stats) => stats.type === 'inbound-rtp' && stats['kind'] === 'video').sort((a, b) => num(b['framesDecoded']) - num(a['framesDecoded']))[0];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : 0;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
