import { ConnectionAuthenticator, Identity } from '@duet/server/auth';
import { loadConfig } from '@duet/server/config';
import { HttpException, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { Registry } from 'prom-client';
import { exampleSummary } from '../testing';
import { CallReportKeys } from './call-report-keys';
import { CallReportMetrics, codecLabel } from './call-report-metrics';
import { CallReportsController } from './call-reports.controller';
import { ReportRateLimit } from './report-rate-limit';

const summary = exampleSummary({
  path: 'relay',
  transport: 'tls',
  rttMs: { p50: 40, p95: 90 },
  lossRatio: 0.01,
  freezeCount: 2,
  freezeSeconds: 1.5,
  iceRestarts: 1,
  browser: { family: 'firefox', major: 140 },
});

class FixedAuthenticator extends ConnectionAuthenticator {
  identity: Identity | undefined = {};
  async authenticate(): Promise<Identity | undefined> {
    return this.identity;
  }
}

describe(CallReportsController.name, () => {
  let registry: Registry;
  let keys: CallReportKeys;
  let authenticator: FixedAuthenticator;
  let logged: unknown[];

  function controller(env: NodeJS.ProcessEnv = {}, limit = new ReportRateLimit()) {
    return new CallReportsController(loadConfig(env), authenticator, keys, new CallReportMetrics(registry), limit);
  }
  const request = (length = 500) => ({ headers: { 'content-length': String(length) }, socket: { remoteAddress: '192.0.2.1' } }) as unknown as IncomingMessage;
  async function status(call: Promise<void>): Promise<number> {
    try {
      await call;
      return 204;
    } catch (error) {
      if (error instanceof HttpException) return error.getStatus();
      throw error;
    }
  }
  const value = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values ?? [];

  beforeEach(() => {
    registry = new Registry();
    keys = new CallReportKeys();
    authenticator = new FixedAuthenticator();
    logged = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logged.push(message));
  });
  afterEach(() => jest.restoreAllMocks());

  it('counts a summary and a rating once each, under the path, and logs them without names or the call id', async () => {
    const reports = controller();
    const key = keys.issue('call-1', 'alice', 'caller');
    expect(await status(reports.report(request(), { part: 'summary', callId: 'call-1', key, summary }))).toBe(204);
    expect(await status(reports.report(request(), { part: 'summary', callId: 'call-1', key, summary }))).toBe(409);
    expect(await status(reports.report(request(), { part: 'rating', callId: 'call-1', key, rating: 2, tags: ['echo'] }))).toBe(204);
    expect(await status(reports.report(request(), { part: 'rating', callId: 'call-1', key, rating: 2 }))).toBe(409);
    expect(await value('duet_call_reports_total')).toEqual([{ labels: { path: 'relay', transport: 'tls', browser: 'firefox' }, value: 1 }]);
    expect(await value('duet_call_freezes_total')).toEqual([{ labels: { path: 'relay' }, value: 2 }]);
    const rating = await value('duet_call_rating');
    expect(rating).toContainEqual(expect.objectContaining({ labels: { path: 'relay' }, metricName: 'duet_call_rating_count', value: 1 }));
    expect(await value('duet_call_rating_tags_total')).toEqual([{ labels: { tag: 'echo' }, value: 1 }]);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({ msg: 'call report', part: 'summary', role: 'caller', path: 'relay', lossRatio: 0.01 });
    expect(logged[1]).toMatchObject({ msg: 'call report', part: 'rating', role: 'caller', rating: 2, tags: ['echo'] });
    expect(JSON.stringify(logged)).not.toMatch(/alice|call-1/);
  });

  it('refuses forged keys, other calls, bad bodies, oversized bodies and the wrong user, counting nothing', async () => {
    const reports = controller();
    const key = keys.issue('call-1', 'alice', 'caller');
    expect(await status(reports.report(request(), { part: 'summary', callId: 'call-1', key: 'f'.repeat(32), summary }))).toBe(403);
    expect(await status(reports.report(request(), { part: 'summary', callId: 'call-2', key, summary }))).toBe(403);
    expect(await status(reports.report(request(), { part: 'summary', callId: 'call-1', key, summary: { ...summary, lossRatio: 2 } }))).toBe(400);
    expect(await status(reports.report(request(), 'hello'))).toBe(400);
    expect(await status(reports.report(request(50_000), { part: 'summary', callId: 'call-1', key, summary }))).toBe(413);
    authenticator.identity = { username: 'mallory' };
    expect(await status(reports.report(request(), { part: 'summary', callId: 'call-1', key, summary }))).toBe(403);
    authenticator.identity = undefined;
    expect(await status(reports.report(request(), { part: 'summary', callId: 'call-1', key, summary }))).toBe(401);
    expect(await value('duet_call_reports_total')).toEqual([]);
    expect(logged).toEqual([]);
    authenticator.identity = { username: 'Alice' };
    expect(await status(reports.report(request(), { part: 'summary', callId: 'call-1', key, summary }))).toBe(204);
  });

  it('answers 404 with CALL_REPORTS=off, and 429 past the per-address limit', async () => {
    const key = keys.issue('call-1', 'alice', 'caller');
    expect(await status(controller({ CALL_REPORTS: 'off' }).report(request(), { part: 'summary', callId: 'call-1', key, summary }))).toBe(404);
    registry = new Registry();
    const limited = controller({}, new ReportRateLimit(0.001, 1));
    expect(await status(limited.report(request(), { part: 'rating', callId: 'call-1', key: 'f'.repeat(32), rating: 3 }))).toBe(403);
    expect(await status(limited.report(request(), { part: 'summary', callId: 'call-1', key, summary }))).toBe(429);
  });

  it('labels codecs from a bounded set', () => {
    expect(codecLabel('video/VP8')).toBe('vp8');
    expect(codecLabel('video/H264')).toBe('h264');
    expect(codecLabel('video/made-up')).toBe('other');
  });
});
