import * as z from 'zod/mini';
import { CallReportKeyMessageSchema, CallReportSchema, CallSummary } from './call-reports';
import { ServerMessageSchema } from './server-messages';

const video = { codec: 'video/VP8', frames: 300, averageFps: 29.5, width: 640, height: 480 };
const summary: CallSummary = {
  durationSeconds: 10, path: 'host', transport: 'udp', audioCodec: 'audio/opus', rttMs: { p50: 1, p95: 3 }, lossRatio: 0, jitterMs: 2,
  freezeCount: 0, freezeSeconds: 0, sent: video, received: video, firstFrameMs: 300, iceRestarts: 0, browser: { family: 'chrome', major: 140 },
};
const base = { callId: 'c'.repeat(16), key: 'k'.repeat(32) };

describe('CallReportSchema', () => {
  it('takes a summary and a rating with tags from the fixed list', () => {
    expect(z.safeParse(CallReportSchema, { ...base, part: 'summary', summary }).success).toBe(true);
    expect(z.safeParse(CallReportSchema, { ...base, part: 'rating', rating: 2, tags: ['echo', 'frozen video'] }).success).toBe(true);
    expect(z.safeParse(CallReportSchema, { ...base, part: 'rating', rating: 5 }).success).toBe(true);
  });

  it.each([
    ['a rating out of 1-5', { ...base, part: 'rating', rating: 6 }],
    ['a fractional rating', { ...base, part: 'rating', rating: 2.5 }],
    ['a tag not on the list', { ...base, part: 'rating', rating: 2, tags: ['bad vibes'] }],
    ['an unknown part', { ...base, part: 'essay' }],
    ['a loss ratio above 1', { ...base, part: 'summary', summary: { ...summary, lossRatio: 1.5 } }],
    ['an unknown path', { ...base, part: 'summary', summary: { ...summary, path: 'carrier-pigeon' } }],
    ['a codec that is not a MIME type', { ...base, part: 'summary', summary: { ...summary, audioCodec: '<script>' } }],
    ['a short key', { ...base, key: 'short', part: 'rating', rating: 3 }],
  ])('refuses %s', (_, body) => {
    expect(z.safeParse(CallReportSchema, body).success).toBe(false);
  });

  it('has the key message among the server messages', () => {
    const message = { type: 'call-report-key', ...base };
    expect(z.safeParse(CallReportKeyMessageSchema, message).success).toBe(true);
    expect(z.safeParse(ServerMessageSchema, message).success).toBe(true);
  });
});
