import { startPushEndpoint, PushEndpoint, TestPushSubscription } from '@duet/testing/processes';
import { MAX_ACCOUNTS_BODY_BYTES, MAX_PUSH_SUBSCRIPTIONS, PUSH_SUBSCRIPTIONS_PATH } from '@duet/shared/protocol';
import { AccountsServer, payloadOf, pushesTo, pushFor } from './support/accounts';
import { OFFER } from './support/call-flow';
import { uniqueName } from './support/names';
import { requireBuiltServer } from './support/server-process';
import { TestClient } from './support/test-client';

/**
 * `POST/DELETE /api/push-subscriptions` against bad input (docs/security.md, push endpoints): the
 * server POSTs to URLs users give it, so only the listed push services pass; whatever is refused
 * says why, loses nothing and breaks nothing. Subscriptions a push service calls gone are dropped.
 */
describe('accounts: push subscriptions, against bad input', () => {
  let push: PushEndpoint;
  let server: AccountsServer;
  let caller: TestClient;
  const callerName = uniqueName('quin');

  beforeAll(async () => {
    requireBuiltServer();
    push = await startPushEndpoint();
    server = await AccountsServer.start({ push });
    caller = await server.login(callerName);
  });
  afterAll(async () => {
    await server?.close();
    await push?.close();
  });

  const subscribe = (username: string | undefined, body: object | string) => server.request(username, 'POST', PUSH_SUBSCRIPTIONS_PATH, body);

  /** A subscription body as a browser would post it, pointing at `endpoint`. */
  const pointingAt = (endpoint: string) => ({ ...push.subscription().json, endpoint });

  /** The caller rings `callee`'s devices until every one of `devices` has the ring, then hangs up: the ring's callId. */
  async function ringAndCancel(callee: string, devices: readonly TestPushSubscription[]): Promise<string> {
    caller.send({ type: 'offer', offer: OFFER, otherUsername: callee });
    const ringing = await caller.next('ringing');
    expect(ringing).toMatchObject({ devices: true });
    await Promise.all(devices.map((device) => push.waitForPush(pushFor(device, 'ring', ringing['callId']))));
    caller.send({ type: 'close', otherUsername: callee, callId: ringing['callId'] });
    await Promise.all(devices.map((device) => push.waitForPush(pushFor(device, 'ring-ended', ringing['callId']))));
    return ringing['callId'];
  }

  it('refuses endpoints that are not listed push services, with a clear 400', async () => {
    const username = uniqueName('rex');
    const port = Number(new URL(push.origin).port);
    const refusals: [string, RegExp][] = [
      ['https://push.example.com/push/abc', /push endpoint host push\.example\.com is not an allowed push service \(PUSH_ENDPOINT_HOSTS\)/],
      [`https://localhost:${port}/push/abc`, /push endpoint host localhost:\d+ is not an allowed push service/],
      [`https://127.0.0.2:${port}/push/abc`, /push endpoint host 127\.0\.0\.2:\d+ is not an allowed push service/],
      [`https://[::1]:${port}/push/abc`, /push endpoint host \[::1\]:\d+ is not an allowed push service/],
      [`https://127.0.0.1:${port + 1}/push/abc`, /is not an allowed push service/],
      [`http://127.0.0.1:${port}/push/abc`, /push endpoint must be an https:\/\/ URL/],
      ['not a url', /push endpoint is not a URL/],
    ];
    for (const [endpoint, message] of refusals) {
      const answer = await subscribe(username, pointingAt(endpoint));
      expect({ endpoint, status: answer.status }).toEqual({ endpoint, status: 400 });
      expect(answer.body.message).toMatch(message);
    }
    expect((await subscribe(username, { endpoint: push.subscription().json.endpoint })).body.message).toMatch(/^invalid push subscription: keys: /);
    expect((await subscribe(username, 'not json')).status).toBe(400);
    // Keys no push could ever be encrypted to (kept, they would turn every call into "unreachable").
    const json = push.subscription().json;
    expect((await subscribe(username, { ...json, keys: { ...json.keys, p256dh: 'AAAA' } })).body.message).toBe(
      'invalid push subscription: keys.p256dh: not an uncompressed P-256 public key',
    );
    expect((await subscribe(username, { ...json, keys: { ...json.keys, auth: 'BBBB' } })).body.message).toBe(
      'invalid push subscription: keys.auth: shorter than 16 bytes',
    );
    // None of it was kept: calling the user still finds nobody to ring.
    caller.send({ type: 'offer', offer: OFFER, otherUsername: username });
    expect(await caller.next('error')).toMatchObject({ code: 'user-offline' });
  });

  it('refuses a request without a token (401) and a body over the limit (413)', async () => {
    const username = uniqueName('sid');
    expect((await subscribe(undefined, push.subscription().json)).status).toBe(401);
    const huge = { ...push.subscription().json, padding: 'x'.repeat(MAX_ACCOUNTS_BODY_BYTES) };
    const answer = await subscribe(username, huge);
    expect(answer.status).toBe(413);
    expect(answer.body.message).toContain(String(MAX_ACCOUNTS_BODY_BYTES));
    expect((await server.request(undefined, 'DELETE', PUSH_SUBSCRIPTIONS_PATH, { endpoint: push.subscription().json.endpoint })).status).toBe(401);
  });

  it(`keeps ${MAX_PUSH_SUBSCRIPTIONS} browsers and refuses the next with 409: all ${MAX_PUSH_SUBSCRIPTIONS} still there and rung; a known one renews`, async () => {
    const username = uniqueName('tom');
    const devices: TestPushSubscription[] = [];
    for (let index = 0; index < MAX_PUSH_SUBSCRIPTIONS; index++) devices.push(await server.subscribeDevice(username));
    const eleventh = push.subscription({ applicationServerKey: await server.pushPublicKey() });
    const answer = await subscribe(username, eleventh.json);
    expect(answer.status).toBe(409);
    expect(answer.body.message).toMatch(new RegExp(`already have ${MAX_PUSH_SUBSCRIPTIONS} browsers subscribed`));
    // Subscribing a known browser again renews it, whatever the count.
    expect((await subscribe(username, devices[0].json)).status).toBe(200);

    const callId = await ringAndCancel(username, devices);
    expect(push.received.filter((received) => received.subscriptionId === eleventh.id)).toEqual([]);
    expect(devices.map((device) => push.received.filter(pushFor(device, 'ring', callId)).length)).toEqual(devices.map(() => 1));
  });

  it('forgets a subscription its push service calls gone (410): the next ring does not go there', async () => {
    const username = uniqueName('uma');
    const gone = await server.subscribeDevice(username);
    push.answerWith(gone.id, 410);
    caller.send({ type: 'offer', offer: OFFER, otherUsername: username });
    const first = (await caller.next('ringing'))['callId'];
    // The server says so once every push service has answered (and what was gone is forgotten).
    expect(await caller.next('close')).toEqual({ type: 'close', username, reason: 'unreachable', callId: first });
    const refusedGone = () => push.refused.filter((refusal) => refusal.subscriptionId === gone.id);
    expect(refusedGone()).toEqual([{ subscriptionId: gone.id, status: 410, reason: 'subscription gone' }]);

    const kept = await server.subscribeDevice(username);
    const second = await ringAndCancel(username, [kept]);
    expect(refusedGone()).toHaveLength(1);
    expect(pushesTo(push, kept).map((received) => [payloadOf(received).kind, payloadOf(received).callId])).toEqual([
      ['ring', second],
      ['ring-ended', second],
    ]);
    // It is gone from the store: there is nothing left to delete.
    expect((await server.request(username, 'DELETE', PUSH_SUBSCRIPTIONS_PATH, { endpoint: gone.json.endpoint })).status).toBe(404);
  });

  it('ends the ring at once as unreachable when no push service takes it, and the user is offline again after', async () => {
    const username = uniqueName('vic');
    const only = await server.subscribeDevice(username);
    push.answerWith(only.id, 404);
    caller.send({ type: 'offer', offer: OFFER, otherUsername: username });
    const { callId } = await caller.next('ringing');
    expect(await caller.next('close')).toEqual({ type: 'close', username, reason: 'unreachable', callId });
    expect(await server.recordOf(callerName, callId, 'failed')).toMatchObject({ peer: username, direction: 'outgoing' });
    caller.send({ type: 'offer', offer: OFFER, otherUsername: username });
    expect(await caller.next('error')).toMatchObject({ code: 'user-offline' });
  });

  it('unsubscribes a browser (204), and an unknown one is 404', async () => {
    const username = uniqueName('wes');
    const device = await server.subscribeDevice(username);
    const unsubscribe = () => server.request(username, 'DELETE', PUSH_SUBSCRIPTIONS_PATH, { endpoint: device.json.endpoint });
    expect((await server.request(uniqueName('xia'), 'DELETE', PUSH_SUBSCRIPTIONS_PATH, { endpoint: device.json.endpoint })).status).toBe(404);
    expect((await unsubscribe()).status).toBe(204);
    expect((await unsubscribe()).status).toBe(404);
    caller.send({ type: 'offer', offer: OFFER, otherUsername: username });
    expect(await caller.next('error')).toMatchObject({ code: 'user-offline' });
  });
});
