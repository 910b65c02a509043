import { execFile } from 'node:child_process';
import { Agent } from 'node:https';
import { promisify } from 'node:util';
import { generateVAPIDKeys, sendNotification, WebPushError } from 'web-push';
import { PushEndpoint, startPushEndpoint } from './push-endpoint';

describe(startPushEndpoint.name, () => {
  const vapid = { subject: 'mailto:tests@duet.invalid', ...generateVAPIDKeys() };
  let endpoint: PushEndpoint;
  let agent: Agent;

  beforeAll(async () => {
    endpoint = await startPushEndpoint();
    agent = new Agent({ ca: endpoint.caPem });
  });

  afterAll(async () => {
    agent.destroy();
    await endpoint.close();
  });

  const send = (subscription: { endpoint: string; keys: { p256dh: string; auth: string } }, payload: string, options: object = {}) =>
    sendNotification(subscription, payload, { vapidDetails: vapid, agent, TTL: 30, ...options });

  it('decrypts a push sent with web-push and records its headers and VAPID claims', async () => {
    const subscription = endpoint.subscription();
    const answer = await send(subscription.json, JSON.stringify({ kind: 'ring', callId: 'c1' }), { urgency: 'high', topic: 'abc_-1' });
    expect(answer.statusCode).toBe(201);
    const push = await endpoint.waitForPush((candidate) => candidate.subscriptionId === subscription.id);
    expect(push).toMatchObject({ payload: { kind: 'ring', callId: 'c1' }, ttl: 30, urgency: 'high', topic: 'abc_-1' });
    expect(push.vapid).toMatchObject({ aud: endpoint.origin, sub: vapid.subject, k: vapid.publicKey });
    expect(push.vapid.exp * 1_000).toBeGreaterThan(Date.now());
  });

  it('waits for a push still to come', async () => {
    const subscription = endpoint.subscription();
    const waiting = endpoint.waitForPush((push) => push.subscriptionId === subscription.id);
    await send(subscription.json, '{"later":true}');
    await expect(waiting).resolves.toMatchObject({ payload: { later: true } });
  });

  it('fails a wait that nothing satisfies, listing what came', async () => {
    await expect(endpoint.waitForPush(() => false, 50)).rejects.toThrow(/no matching push within 50 ms/);
  });

  it('refuses a push signed by another key than the subscription was made with (403)', async () => {
    const subscription = endpoint.subscription({ applicationServerKey: generateVAPIDKeys().publicKey });
    await expect(send(subscription.json, '{}')).rejects.toMatchObject({ statusCode: 403 });
    expect(endpoint.refused).toContainEqual(expect.objectContaining({ subscriptionId: subscription.id, status: 403 }));
  });

  it('refuses a push without VAPID (401)', async () => {
    const subscription = endpoint.subscription();
    await expect(send(subscription.json, '{}', { vapidDetails: null })).rejects.toMatchObject({ statusCode: 401 });
  });

  it('refuses a body encrypted to other keys (400)', async () => {
    const subscription = endpoint.subscription();
    const other = endpoint.subscription();
    await expect(send({ ...subscription.json, keys: other.json.keys }, '{}')).rejects.toMatchObject({ statusCode: 400 });
    expect(endpoint.refused.at(-1)?.reason).toMatch(/cannot decrypt/);
  });

  it.each([404, 410] as const)('answers %i for a subscription told to', async (status) => {
    const subscription = endpoint.subscription();
    endpoint.answerWith(subscription.id, status);
    const failure = await send(subscription.json, '{}').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WebPushError);
    expect((failure as WebPushError).statusCode).toBe(status);
  });

  it('answers 404 for an unknown subscription', async () => {
    await expect(send({ endpoint: `${endpoint.origin}/push/nobody`, keys: endpoint.subscription().json.keys }, '{}')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('is trusted by a process started with NODE_EXTRA_CA_CERTS=caFile', async () => {
    const script = `require('node:https').request('${endpoint.origin}/push/nobody', { method: 'POST' }, (r) => { process.stdout.write(String(r.statusCode)); r.resume(); }).end()`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: endpoint.caFile } });
    expect(stdout.trim()).toBe('404');
  });
});
