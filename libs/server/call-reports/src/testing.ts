import { CallSummary } from '@duet/shared/protocol';

/** A plausible call summary for tests: a call over NAT, in Chrome; `changes` replace its fields. */
export function exampleSummary(changes: Partial<CallSummary> = {}): CallSummary {
  const video = { codec: 'video/VP8', frames: 290, averageFps: 29, width: 640, height: 480 };
  return {
    durationSeconds: 10,
    path: 'srflx',
    transport: 'udp',
    audioCodec: 'audio/opus',
    rttMs: { p50: 30, p95: 60 },
    lossRatio: 0.02,
    jitterMs: 4,
    freezeCount: 1,
    freezeSeconds: 0.5,
    sent: video,
    received: video,
    firstFrameMs: 500,
    iceRestarts: 0,
    browser: { family: 'chrome', major: 140 },
    ...changes,
  };
}
