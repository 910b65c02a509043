import { METRICS_REGISTRY } from '@duet/server/ops';
import { CallPath, CallReportTag, CallSummary } from '@duet/shared/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';

/** Codec labels: a bounded set, whatever a client sends. */
const KNOWN_CODECS = new Set(['opus', 'vp8', 'vp9', 'h264', 'av1', 'red', 'g722', 'pcmu', 'pcma']);

/**
 * Accepted call reports as Prometheus series. Labels are bounded sets (path, transport, browser
 * family, codec, tag): never a user, an address or a call id. Refused reports count nowhere.
 */
@Injectable()
export class CallReportMetrics {
  private readonly reports: Counter<'path' | 'transport' | 'browser'>;
  private readonly rtt: Histogram<'path'>;
  private readonly loss: Histogram<'path'>;
  private readonly jitter: Histogram<'path'>;
  private readonly freezes: Counter<'path'>;
  private readonly freezeSeconds: Counter<'path'>;
  private readonly callSeconds: Counter<'path'>;
  private readonly fps: Histogram<'direction'>;
  private readonly height: Histogram<'direction'>;
  private readonly firstFrame: Histogram<'path'>;
  private readonly iceRestarts: Counter<'path'>;
  private readonly codecs: Counter<'kind' | 'codec'>;
  private readonly rating: Histogram<'path'>;
  private readonly tags: Counter<'tag'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.reports = new Counter({
      name: 'duet_call_reports_total',
      help: 'Call stats summaries accepted, by path (host, srflx, prflx, relay), transport and browser family',
      labelNames: ['path', 'transport', 'browser'],
      registers,
    });
    this.rtt = new Histogram({
      name: 'duet_call_rtt_seconds',
      help: "Each reported call's median round-trip time, by path",
      labelNames: ['path'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1],
      registers,
    });
    this.loss = new Histogram({
      name: 'duet_call_loss_ratio',
      help: "Each reported call's received packet loss (lost over expected), by path",
      labelNames: ['path'],
      buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5],
      registers,
    });
    this.jitter = new Histogram({
      name: 'duet_call_jitter_seconds',
      help: "Each reported call's received jitter, by path",
      labelNames: ['path'],
      buckets: [0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2],
      registers,
    });
    this.freezes = new Counter({ name: 'duet_call_freezes_total', help: 'Received video freezes, by path', labelNames: ['path'], registers });
    this.freezeSeconds = new Counter({ name: 'duet_call_freeze_seconds_total', help: 'Received video frozen, seconds, by path', labelNames: ['path'], registers });
    this.callSeconds = new Counter({ name: 'duet_call_reported_seconds_total', help: 'Length of the reported calls, seconds, by path (freeze rate: freezes over this)', labelNames: ['path'], registers });
    this.fps = new Histogram({
      name: 'duet_call_video_fps',
      help: 'Average video frame rate over each reported call, sent and received',
      labelNames: ['direction'],
      buckets: [1, 5, 10, 15, 20, 25, 30, 60],
      registers,
    });
    this.height = new Histogram({
      name: 'duet_call_video_height_pixels',
      help: 'Video height at the end of each reported call, sent and received',
      labelNames: ['direction'],
      buckets: [120, 180, 240, 360, 480, 720, 1080, 2160],
      registers,
    });
    this.firstFrame = new Histogram({
      name: 'duet_call_first_frame_seconds',
      help: 'From the call connecting to the first remote video frame, by path',
      labelNames: ['path'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    });
    this.iceRestarts = new Counter({ name: 'duet_call_ice_restarts_total', help: 'ICE restarts in the reported calls, by path', labelNames: ['path'], registers });
    this.codecs = new Counter({ name: 'duet_call_codecs_total', help: 'Codecs in the reported calls (audio, video sent, video received)', labelNames: ['kind', 'codec'], registers });
    this.rating = new Histogram({ name: 'duet_call_rating', help: "People's ratings of their calls, 1 to 5, by path", labelNames: ['path'], buckets: [1, 2, 3, 4, 5], registers });
    this.tags = new Counter({ name: 'duet_call_rating_tags_total', help: 'What people said went wrong, by tag', labelNames: ['tag'], registers });
  }

  summary({ path, transport, browser, rttMs, lossRatio, jitterMs, freezeCount, freezeSeconds, durationSeconds, sent, received, firstFrameMs, iceRestarts, audioCodec }: CallSummary): void {
    this.reports.inc({ path, transport, browser: browser.family });
    if (rttMs !== undefined) this.rtt.observe({ path }, rttMs.p50 / 1_000);
    this.loss.observe({ path }, lossRatio);
    this.jitter.observe({ path }, jitterMs / 1_000);
    // Zero increments too, so each path's series exists from its first report on.
    this.freezes.inc({ path }, freezeCount);
    this.freezeSeconds.inc({ path }, freezeSeconds);
    this.callSeconds.inc({ path }, durationSeconds);
    this.iceRestarts.inc({ path }, iceRestarts);
    if (firstFrameMs !== undefined) this.firstFrame.observe({ path }, firstFrameMs / 1_000);
    for (const [direction, video] of [['sent', sent], ['received', received]] as const) {
      if (video.frames === 0) continue;
      this.fps.observe({ direction }, video.averageFps);
      this.height.observe({ direction }, video.height);
      if (video.codec !== undefined) this.codecs.inc({ kind: `video ${direction}`, codec: codecLabel(video.codec) });
    }
    if (audioCodec !== undefined) this.codecs.inc({ kind: 'audio', codec: codecLabel(audioCodec) });
  }

  rated(path: CallPath, rating: number, tags: readonly CallReportTag[]): void {
    this.rating.observe({ path }, rating);
    for (const tag of tags) this.tags.inc({ tag });
  }
}

/** `video/VP8` -> `vp8`; anything unexpected -> `other`. */
export function codecLabel(mimeType: string): string {
  const name = mimeType.split('/')[1]?.toLowerCase() ?? '';
  return KNOWN_CODECS.has(name) ? name : 'other';
}
