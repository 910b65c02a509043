import { StatsSample, judgeQuality, summarizeStats } from './call-stats';

function report(entries: Record<string, unknown>[]): Map<string, unknown> {
  return new Map(entries.map((entry) => [entry['id'] as string, entry]));
}

const at = (bytes: number, packets: number, lost: number) =>
  report([
    { id: 'o1', type: 'outbound-rtp', kind: 'video', bytesSent: bytes },
    { id: 'i1', type: 'inbound-rtp', kind: 'video', bytesReceived: bytes * 2, packetsReceived: packets, packetsLost: lost,
      jitter: 0.004, framesPerSecond: 30, frameWidth: 640, frameHeight: 480 },
    { id: 'i2', type: 'inbound-rtp', kind: 'audio', bytesReceived: 0, packetsReceived: 0, packetsLost: 0, jitter: 0.012 },
    { id: 't', type: 'transport', selectedCandidatePairId: 'p' },
    { id: 'p', type: 'candidate-pair', localCandidateId: 'l', remoteCandidateId: 'r', currentRoundTripTime: 0.021 },
    { id: 'l', type: 'local-candidate', candidateType: 'host' },
    { id: 'r', type: 'remote-candidate', candidateType: 'srflx' },
  ]);

describe('summarizeStats', () => {
  it('turns two reports a second apart into rates, loss, jitter, video and the selected pair', () => {
    const first = summarizeStats(at(10_000, 100, 0), null, 1_000);
    expect(first.outboundKbps).toBeNull();
    const second = summarizeStats(at(135_000, 196, 4), first, 2_000);
    expect(second.outboundKbps).toBe(1_000);
    expect(second.inboundKbps).toBe(2_000);
    expect(second.lossPercent).toBe(4);
    expect(second.rttMs).toBe(21);
    expect(second.jitterMs).toBe(12);
    expect([second.fps, second.width, second.height]).toEqual([30, 640, 480]);
    expect([second.localCandidateType, second.remoteCandidateType]).toEqual(['host', 'srflx']);
    expect(second.inboundStreams).toBe(2);
  });
});

describe('judgeQuality', () => {
  const sample = (overrides: Partial<StatsSample>): StatsSample => ({
    ...summarizeStats(report([]), null, 0),
    inboundKbps: 900,
    inboundStreams: 2,
    ...overrides,
  });

  it('is good on a clean path, fair or poor by the worst measure, with its reason', () => {
    expect(judgeQuality(sample({ rttMs: 20, lossPercent: 0, jitterMs: 3 }))).toEqual({ quality: 'good', reason: 'ok' });
    expect(judgeQuality(sample({ lossPercent: 3 }))).toEqual({ quality: 'fair', reason: 'loss' });
    expect(judgeQuality(sample({ rttMs: 350 }))).toEqual({ quality: 'fair', reason: 'latency' });
    expect(judgeQuality(sample({ jitterMs: 45 }))).toEqual({ quality: 'fair', reason: 'jitter' });
    expect(judgeQuality(sample({ lossPercent: 8, rttMs: 350 }))).toEqual({ quality: 'poor', reason: 'loss' });
    expect(judgeQuality(sample({ inboundKbps: 0 }))).toEqual({ quality: 'poor', reason: 'no-media' });
  });

  it('does not call a path poor because the other side sends nothing (no camera or microphone): judges its round trip', () => {
    const silent = (rttMs: number) => judgeQuality(sample({ inboundKbps: 0, inboundStreams: 0, rttMs }));
    expect(silent(20)).toEqual({ quality: 'good', reason: 'nothing-sent' });
    expect(silent(350)).toEqual({ quality: 'fair', reason: 'nothing-sent' });
    expect(silent(700)).toEqual({ quality: 'poor', reason: 'nothing-sent' });
    // Media that did arrive and stopped is still "nothing is arriving".
    expect(judgeQuality(sample({ inboundKbps: 0, inboundStreams: 1 }))).toEqual({ quality: 'poor', reason: 'no-media' });
    expect(summarizeStats(report([]), null, 0).inboundStreams).toBe(0);
  });
});
