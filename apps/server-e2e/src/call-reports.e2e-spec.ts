import { loadConfig } from '@duet/server/config';
import { exampleSummary } from '@duet/server/call-reports/testing';
import { CALL_REPORTS_PATH } from '@duet/shared/protocol';
import { callUp } from './support/call-flow';
import { uniqueName } from './support/names';
import { TestClient } from './support/test-client';
import { startTestServer, TestServer } from './support/test-server';

const TOKEN = 'a-metrics-token-for-the-tests';
const summary = exampleSummary();

/** What /metrics says once alice and bob reported the call, bob with a rating of 2 and "echo". */
const EXPECTED = {
  'duet_call_reports_total{path="srflx",transport="udp",browser="chrome"}': 2,
  'duet_call_freezes_total{path="srflx"}': 2,
  'duet_call_loss_ratio_count{path="srflx"}': 2,
  'duet_call_rtt_seconds_count{path="srflx"}': 2,
  'duet_call_rating_count{path="srflx"}': 1,
  'duet_call_rating_sum{path="srflx"}': 2,
  'duet_call_rating_tags_total{tag="echo"}': 1,
};

/** The value of one series in Prometheus text format (0 when absent). */
function series(text: string, name: string): number {
  const line = text.split('\n').find((row) => row.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

describe('call reports', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await server?.close();
  });

  async function start(callReports = true): Promise<void> {
    server = await startTestServer({ ops: { ...loadConfig({}).ops, metricsToken: TOKEN, callReports } });
  }
  async function scrape(): Promise<string> {
    return (await fetch(`${server.httpUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text();
  }
  async function post(body: unknown): Promise<{ status: number; message: string }> {
    const response = await fetch(`${server.httpUrl}${CALL_REPORTS_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, message: text === '' ? '' : (JSON.parse(text) as { message: string }).message };
  }
  /** alice calls bob, bob answers: each is sent its key for the call. */
  async function call(): Promise<{ callId: string; aliceKey: string; bobKey: string; alice: TestClient; bob: TestClient }> {
    const [aliceName, bobName] = [uniqueName('alice'), uniqueName('bob')];
    const alice = await TestClient.loggedIn(server.wsUrl, aliceName);
    const bob = await TestClient.loggedIn(server.wsUrl, bobName);
    clients.push(alice, bob);
    const callId = await callUp(alice, aliceName, bob, bobName);
    const [forAlice, forBob] = [await alice.next('call-report-key'), await bob.next('call-report-key')];
    return { callId, aliceKey: forAlice['key'], bobKey: forBob['key'], alice, bob };
  }

  it('sends both parties a key at answer, accepts each part once, and refuses the rest with words, counting nothing', async () => {
    await start();
    const { callId, aliceKey, bobKey, alice } = await call();
    expect(alice.log.filter((message) => message['type'] === 'call-report-key')).toEqual([{ type: 'call-report-key', callId, key: aliceKey }]);
    expect(bobKey).not.toEqual(aliceKey);
    const before = await scrape();
    expect(series(before, 'duet_call_reports_total{path="srflx",transport="udp",browser="chrome"}')).toBe(0);

    const forged = await post({ part: 'summary', callId, key: 'x'.repeat(32), summary });
    expect(forged).toEqual({ status: 403, message: expect.stringContaining('not a report key this server gave out') });
    // Another call's parties hold keys for their own call, not this one.
    const other = await call();
    expect(await post({ part: 'summary', callId, key: other.aliceKey, summary })).toEqual({ status: 403, message: 'this report key belongs to another call' });
    expect((await post({ part: 'summary', callId, key: aliceKey, summary: { ...summary, lossRatio: 7 } })).message).toBe('invalid call report: summary.lossRatio: at most 1');
    expect(await post('{"part": "summary", ')).toMatchObject({ status: 400 });
    expect((await post({ part: 'summary', callId, key: aliceKey, summary, padding: 'x'.repeat(5_000) })).status).toBe(413);
    const refused = await scrape();
    expect(series(refused, 'duet_call_reports_total{path="srflx",transport="udp",browser="chrome"}')).toBe(0);
    expect(series(refused, 'duet_call_rating_count{path="srflx"}')).toBe(0);

    expect(await post({ part: 'summary', callId, key: aliceKey, summary })).toEqual({ status: 204, message: '' });
    expect(await post({ part: 'summary', callId, key: aliceKey, summary })).toEqual({ status: 409, message: "this call's summary was already reported from your side" });
    expect((await post({ part: 'summary', callId, key: bobKey, summary })).status).toBe(204);
    expect((await post({ part: 'rating', callId, key: bobKey, rating: 2, tags: ['echo'] })).status).toBe(204);
    expect((await post({ part: 'rating', callId, key: bobKey, rating: 5 })).status).toBe(409);
    const after = await scrape();
    const moved = Object.fromEntries(Object.keys(EXPECTED).map((name) => [name, series(after, name)]));
    expect(moved).toEqual(EXPECTED);
  });

  it('with CALL_REPORTS=off sends no keys and answers 404 with words', async () => {
    await start(false);
    const [aliceName, bobName] = [uniqueName('alice'), uniqueName('bob')];
    const alice = await TestClient.loggedIn(server.wsUrl, aliceName);
    const bob = await TestClient.loggedIn(server.wsUrl, bobName);
    clients.push(alice, bob);
    const callId = await callUp(alice, aliceName, bob, bobName);
    await Promise.all([alice.sync(), bob.sync()]);
    expect([...alice.log, ...bob.log].filter((message) => message['type'] === 'call-report-key')).toEqual([]);
    expect(await post({ part: 'rating', callId, key: 'k'.repeat(32), rating: 4 })).toEqual({
      status: 404,
      message: 'call reports are turned off on this server (CALL_REPORTS=off)',
    });
  });
});
