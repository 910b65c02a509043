import { loadConfig } from '@duet/server/config';
import { UpgradeGuard } from '@duet/server/signaling';
import { WebSocket } from 'ws';
import { ANSWER, candidate, OFFER } from './support/call-flow';
import { uniqueName } from './support/names';
import { freePort } from './support/server-process';
import { TestClient } from './support/test-client';
import { startTestServer, TestServer } from './support/test-server';

const TOKEN = 'a-metrics-token-for-the-tests';
const ops = (overrides: object) => ({ ...loadConfig({}).ops, ...overrides });

/** The value of one series in Prometheus text format (0 when absent). */
function series(text: string, name: string): number {
  const line = text.split('\n').find((row) => row.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

describe('health and metrics', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  it('says it is alive and ready, and not ready once it stops accepting connections', async () => {
    server = await startTestServer();
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { signaling: { status: 'up' }, registry: { status: 'up' } } });
    server.app.get(UpgradeGuard).stopAccepting();
    const draining = await fetch(`${server.httpUrl}/readyz`);
    expect(draining.status).toBe(503);
    expect(await draining.json()).toMatchObject({ status: 'error', error: { signaling: { status: 'down' } } });
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
  });

  it('serves no /metrics on the main port without METRICS_TOKEN', async () => {
    server = await startTestServer();
    expect((await fetch(`${server.httpUrl}/metrics`)).status).toBe(404);
  });

  it('refuses /metrics without the token, and its counters move when a call happens', async () => {
    server = await startTestServer({ ops: ops({ metricsToken: TOKEN }) });
    expect((await fetch(`${server.httpUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.httpUrl}/metrics`, { headers: { Authorization: 'Bearer not-the-token-at-all-no' } })).status).toBe(401);
    const scrape = async () => {
      const response = await fetch(`${server.httpUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      return response.text();
    };
    const before = await scrape();
    expect(before).toContain('process_cpu_seconds_total');
    expect(series(before, 'duet_calls{state="active"}')).toBe(0);

    const [aliceName, bobName] = [uniqueName('alice'), uniqueName('bob')];
    const alice = await TestClient.loggedIn(server.wsUrl, aliceName);
    const bob = await TestClient.loggedIn(server.wsUrl, bobName);
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    await bob.next('offer');
    expect(series(await scrape(), 'duet_calls{state="ringing"}')).toBe(1);
    bob.send({ type: 'answer', answer: ANSWER, otherUsername: aliceName });
    await alice.next('answer');
    alice.send({ type: 'candidate', candidate: candidate(1), otherUsername: bobName });
    await bob.next('candidate');
    alice.send({ type: 'bogus' });
    await alice.next('error');
    const during = await scrape();
    expect(series(during, 'duet_connections')).toBe(2);
    expect(series(during, 'duet_users_logged_in')).toBe(2);
    expect(series(during, 'duet_calls{state="ringing"}')).toBe(0);
    expect(series(during, 'duet_calls{state="active"}')).toBe(1);
    expect(series(during, 'duet_message_handling_seconds_count{type="candidate"}')).toBe(1);
    expect(series(during, 'duet_errors_total{code="unknown-type"}')).toBe(1);
    // No series names a user.
    expect(during).not.toContain(aliceName);

    alice.send({ type: 'close', otherUsername: bobName });
    await bob.next('close');
    await new Promise<void>((resolve) => {
      const foreign = new WebSocket(server.wsUrl, { origin: 'https://evil.example' });
      foreign.once('unexpected-response', () => resolve());
      foreign.once('error', () => resolve());
    });
    const after = await scrape();
    expect(series(after, 'duet_calls{state="active"}')).toBe(0);
    expect(series(after, 'duet_upgrade_refusals_total{status="403"}')).toBe(1);
    alice.close();
    bob.close();
  });

  it('serves /metrics without a token on METRICS_PORT, and nothing else there', async () => {
    const metricsPort = await freePort();
    server = await startTestServer({ ops: ops({ metricsPort }) });
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('duet_connections');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
  });
});
