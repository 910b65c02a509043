import { CallSummaryTracker, browserOf } from './call-summary';

function report(entries: Record<string, unknown>[]): Map<string, unknown> {
  return new Map(entries.map((entry) => [entry['id'] as string, entry]));
}

const reading = (seconds: number, rtt: number, ufrag = 'u1') =>
  report([
    { id: 'o1', type: 'outbound-rtp', kind: 'video', framesSent: 30 * seconds, frameWidth: 640, frameHeight: 360, codecId: 'cv' },
    { id: 'i1', type: 'inbound-rtp', kind: 'video', framesDecoded: 25 * seconds, framesPerSecond: 25, frameWidth: 320, frameHeight: 180, codecId: 'cv',
      packetsReceived: 990 * seconds, packetsLost: 10 * seconds, jitter: 0.004, freezeCount: 1, totalFreezesDuration: 0.6 },
    { id: 'i2', type: 'inbound-rtp', kind: 'audio', packetsReceived: 0, packetsLost: 0, jitter: 0.012, codecId: 'ca' },
    { id: 'cv', type: 'codec', mimeType: 'video/VP8' },
    { id: 'ca', type: 'codec', mimeType: 'audio/opus' },
    { id: 't', type: 'transport', selectedCandidatePairId: 'p', iceLocalUsernameFragment: ufrag },
    { id: 'p', type: 'candidate-pair', localCandidateId: 'l', remoteCandidateId: 'r', currentRoundTripTime: rtt },
    { id: 'l', type: 'local-candidate', candidateType: 'relay', protocol: 'udp', relayProtocol: 'tls' },
    { id: 'r', type: 'remote-candidate', candidateType: 'srflx' },
  ]);

describe(CallSummaryTracker.name, () => {
  it('sums a call up: path and transport, codecs, RTT percentiles, loss, jitter, freezes, frames each way, restarts', () => {
    const tracker = new CallSummaryTracker(0);
    tracker.connected(1_000);
    tracker.add(reading(2, 0.02), 3_000);
    tracker.add(reading(4, 0.04, 'u2'), 5_000);
    tracker.add(reading(6, 0.1, 'u2'), 7_000);
    const summary = tracker.summary(8_000, 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36');
    expect(summary).toEqual({
      durationSeconds: 7,
      path: 'relay',
      transport: 'tls',
      audioCodec: 'audio/opus',
      rttMs: { p50: 40, p95: 100 },
      lossRatio: 0.01,
      jitterMs: 8,
      freezeCount: 1,
      freezeSeconds: 0.6,
      sent: { codec: 'video/VP8', frames: 180, averageFps: 30, width: 640, height: 360 },
      received: { codec: 'video/VP8', frames: 150, averageFps: 25, width: 320, height: 180 },
      firstFrameMs: 0,
      iceRestarts: 1,
      browser: { family: 'chrome', major: 140 },
    });
  });

  it('has nothing to say about a call that never had a reading', () => {
    expect(new CallSummaryTracker(0).summary(5_000, '')).toBeNull();
  });

  it('tells browser families apart by their user agents', () => {
    expect(browserOf('Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0')).toEqual({ family: 'firefox', major: 140 });
    expect(browserOf('Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/139.0.0.0 Safari/537.36 Edg/139.0.0.0')).toEqual({ family: 'edge', major: 139 });
    expect(browserOf('Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15')).toEqual({ family: 'safari', major: 18 });
    expect(browserOf('curl/8')).toEqual({ family: 'other', major: 0 });
  });
});
