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
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter<L>({ name, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, labelNames: L[], buckets: number[]) =>
      new Histogram<L>({ name, help, labelNames, buckets, registers });
    this.reports = counter(
      'duet_call_reports_total',
      'Call stats summaries accepted, by path (host, srflx, prflx, relay), transport and browser family',
      ['path', 'transport', 'browser'],
    );
    this.rtt = histogram('duet_call_rtt_seconds', "Each reported call's median round-trip time, by path", ['path'], [0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1]);
    this.loss = histogram('duet_call_loss_ratio', "Each reported call's received packet loss (lost over expected), by path", ['path'], [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]);
    this.jitter = histogram('duet_call_jitter_seconds', "Each reported call's received jitter, by path", ['path'], [0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2]);
    this.freezes = counter('duet_call_freezes_total', 'Received video freezes, by path', ['path']);
    this.freezeSeconds = counter('duet_call_freeze_seconds_total', 'Received video frozen, seconds, by path', ['path']);
    this.callSeconds = counter('duet_call_reported_seconds_total', 'Length of the reported calls, seconds, by path (freeze rate: freezes over this)', ['path']);
    this.fps = histogram('duet_call_video_fps', 'Average video frame rate over each reported call, sent and received', ['direction'], [1, 5, 10, 15, 20, 25, 30, 60]);
    this.height = histogram('duet_call_video_height_pixels', 'Video height at the end of each reported call, sent and received', ['direction'], [120, 180, 240, 360, 480, 720, 1080, 2160]);
    this.firstFrame = histogram('duet_call_first_frame_seconds', 'From the call connecting to the first remote video frame, by path', ['path'], [0.1, 0.25, 0.5, 1, 2, 5, 10]);
    this.iceRestarts = counter('duet_call_ice_restarts_total', 'ICE restarts in the reported calls, by path', ['path']);
    this.codecs = counter('duet_call_codecs_total', 'Codecs in the reported calls (audio, video sent, video received)', ['kind', 'codec']);
    this.rating = histogram('duet_call_rating', "People's ratings of their calls, 1 to 5, by path", ['path'], [1, 2, 3, 4, 5]);
    this.tags = counter('duet_call_rating_tags_total', 'What people said went wrong, by tag', ['tag']);
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
