import { startPushEndpoint, PushEndpoint } from '@duet/testing/processes';
import { MAX_ACCOUNTS_BODY_BYTES, RING_DECLINE_PATH } from '@duet/shared/protocol';
import { randomBytes } from 'node:crypto';
import { AccountsServer, callTraffic, payloadOf, pushesTo, pushFor, sha256Hex } from './support/accounts';
import { ANSWER, CALL_ID, candidate, OFFER } from './support/call-flow';
import { uniqueName } from './support/names';
import { requireBuiltServer } from './support/server-process';

/** Whole seconds, so the push's TTL (seconds, rounded up) can be held to it exactly. */
const RING_TIMEOUT_MS = 15_000;
const CAPABILITY = expect.stringMatching(/^[\w-]{43}$/);

/**
 * Ringing someone who is offline but subscribed (docs/protocol.md "Ringing devices"), against the
 * production server with accounts, a real local push service and real `ws` clients.
 */
describe('accounts: ringing the devices of an offline callee', () => {
  let push: PushEndpoint;
  let server: AccountsServer;

  beforeAll(async () => {
    requireBuiltServer();
    push = await startPushEndpoint();
    server = await AccountsServer.start({ push, env: { RING_TIMEOUT_MS: String(RING_TIMEOUT_MS) } });
  });
  afterAll(async () => {
    await server?.close();
    await push?.close();
  });

  it('tells the caller it rings their devices, and pushes each device the call within the ring (urgency high, TTL of the ring, VAPID signed)', async () => {
    const [callerName, calleeName] = [uniqueName('ann'), uniqueName('ben')];
    const caller = await server.login(callerName);
    const phone = await server.subscribeDevice(calleeName);
    const laptop = await server.subscribeDevice(calleeName);

    caller.send({ type: 'offer', offer: OFFER, otherUsername: calleeName });
    const ringing = await caller.next('ringing');
    expect(ringing).toEqual({ type: 'ringing', username: calleeName, callId: CALL_ID, devices: true });
    const { callId } = ringing;

    const [toPhone, toLaptop] = await Promise.all([
      push.waitForPush(pushFor(phone, 'ring', callId), RING_TIMEOUT_MS),
      push.waitForPush(pushFor(laptop, 'ring', callId), RING_TIMEOUT_MS),
    ]);
    // Both arrived while the call still rang: the caller has heard nothing else.
    expect(callTraffic(caller)).toEqual([ringing]);
    for (const received of [toPhone, toLaptop]) {
      expect(payloadOf(received)).toEqual({ kind: 'ring', caller: callerName, callId, capability: CAPABILITY, ttlMs: expect.any(Number) });
      expect(received.ttl).toBeGreaterThan(0);
      expect(received.ttl).toBeLessThanOrEqual(RING_TIMEOUT_MS / 1_000);
      expect(received.urgency).toBe('high');
      expect(received.topic).toMatch(/^[\w-]{1,32}$/);
      // The push service checked the JWT's signature against this key, and that it is the one the subscription was made with.
      expect(received.vapid).toMatchObject({ k: await server.pushPublicKey(), aud: push.origin, sub: 'mailto:ops@duet.test' });
    }
    // One capability per call, the same on every device.
    expect(payloadOf(toPhone)).toEqual(payloadOf(toLaptop));
    expect(push.refused).toEqual([]);

    // While it rings their devices the caller is busy: for a new call of their own, and to anyone calling them.
    const otherName = uniqueName('abe');
    const other = await server.login(otherName);
    caller.send({ type: 'offer', offer: OFFER, otherUsername: otherName });
    expect(await caller.next('error')).toMatchObject({ code: 'already-in-call', replyTo: 'offer' });
    other.send({ type: 'offer', offer: OFFER, otherUsername: callerName });
    expect(await other.next('decline')).toMatchObject({ username: callerName, reason: 'busy' });

    caller.send({ type: 'close', otherUsername: calleeName, callId });
    await push.waitForPush(pushFor(phone, 'ring-ended', callId));
  });

  it('still answers user-offline at once for an offline callee with no subscription', async () => {
    const caller = await server.login(uniqueName('cat'));
    const before = push.received.length;
    caller.send({ type: 'offer', offer: OFFER, otherUsername: uniqueName('nobody') });
    expect(await caller.next('error')).toMatchObject({ code: 'user-offline', replyTo: 'offer' });
    expect(callTraffic(caller)).toEqual([expect.objectContaining({ type: 'error' })]);
    expect(push.received.length).toBe(before);
  });

  it('picks the ring up when the callee signs in: the kept offer, a new callId for the caller, signaling both ways, "stopped ringing" on the devices', async () => {
    const [callerName, calleeName] = [uniqueName('dan'), uniqueName('eve')];
    const caller = await server.login(callerName);
    const devices = [await server.subscribeDevice(calleeName), await server.subscribeDevice(calleeName)];
    caller.send({ type: 'offer', offer: OFFER, otherUsername: calleeName });
    const ring = (await caller.next('ringing'))['callId'];
    const [{ payload }] = await Promise.all(devices.map((device) => push.waitForPush(pushFor(device, 'ring', ring))));

    const callee = await server.login(calleeName);
    const offer = await callee.next('offer');
    // ringKey: what the page opened from the notification's Answer checks its `key` against.
    const { capability: ringCapability } = payload as { capability: string };
    expect(offer).toEqual({ type: 'offer', offer: OFFER, username: callerName, callId: CALL_ID, ring, ringKey: sha256Hex(ringCapability) });
    const { callId } = offer;
    expect(callId).not.toBe(ring);
    expect(await caller.next('ringing')).toEqual({ type: 'ringing', username: calleeName, callId, replaces: ring });

    callee.send({ type: 'answer', answer: ANSWER, otherUsername: callerName, callId });
    expect(await caller.next('answer')).toEqual({ type: 'answer', answer: ANSWER, username: calleeName, callId });
    caller.send({ type: 'candidate', candidate: candidate(1), otherUsername: calleeName });
    expect(await callee.next('candidate')).toEqual({ type: 'candidate', candidate: candidate(1), username: callerName, callId });
    callee.send({ type: 'candidate', candidate: candidate(2), otherUsername: callerName });
    expect(await caller.next('candidate')).toEqual({ type: 'candidate', candidate: candidate(2), username: calleeName, callId });

    // Every device is told the ring stopped (not missed): the one that opened the app cannot be told apart.
    for (const device of devices) {
      const ended = await push.waitForPush(pushFor(device, 'ring-ended', ring));
      expect(payloadOf(ended)).toEqual({ kind: 'ring-ended', caller: callerName, callId: ring, missed: false });
      // The same topic as the ring: it replaces a ring still waiting at the push service.
      expect(ended.topic).toBe(push.received.find(pushFor(device, 'ring', ring))?.topic);
    }

    // Picked up, the ring is no longer there to decline.
    const { capability } = payload as { capability: string };
    expect((await server.request(undefined, 'POST', RING_DECLINE_PATH, { callId: ring, capability })).status).toBe(404);
    expect(callTraffic(caller).filter((message) => message['type'] === 'decline')).toEqual([]);

    caller.send({ type: 'close', otherUsername: calleeName, callId });
    expect(await callee.next('close')).toEqual({ type: 'close', username: callerName, reason: 'hangup', callId });
    // One record per party, under the call's new id, answered.
    expect(await server.recordOf(callerName, callId, 'answered')).toMatchObject({ peer: calleeName, direction: 'outgoing' });
    expect(await server.recordOf(calleeName, callId, 'answered')).toMatchObject({ peer: callerName, direction: 'incoming' });
    expect((await server.history(callerName)).calls).toHaveLength(1);
    expect((await server.history(calleeName)).calls).toHaveLength(1);
    expect(callTraffic(caller).filter((message) => message['type'] === 'error')).toEqual([]);
    expect(callTraffic(callee).filter((message) => message['type'] === 'error')).toEqual([]);
  });

  it('declines from the notification with the capability: once, for that call only; nothing reaches anyone else', async () => {
    const [annName, benName, calleeName, bystanderName] = [uniqueName('fay'), uniqueName('gus'), uniqueName('hal'), uniqueName('ida')];
    const [ann, ben, bystander] = [await server.login(annName), await server.login(benName), await server.login(bystanderName)];
    const device = await server.subscribeDevice(calleeName);
    const bystanderDevice = await server.subscribeDevice(bystanderName);
    // Two calls ring the same callee's devices at once.
    ann.send({ type: 'offer', offer: OFFER, otherUsername: calleeName });
    const first = (await ann.next('ringing'))['callId'];
    ben.send({ type: 'offer', offer: OFFER, otherUsername: calleeName });
    const second = (await ben.next('ringing'))['callId'];
    const capabilityOf = async (callId: string) => (payloadOf(await push.waitForPush(pushFor(device, 'ring', callId))) as { capability: string }).capability;
    const [firstCapability, secondCapability] = [await capabilityOf(first), await capabilityOf(second)];
    const decline = (body: object | string) => server.request(undefined, 'POST', RING_DECLINE_PATH, body);
    const nothing = { status: 404, body: { message: 'no such ringing call' } };

    expect(await decline({ callId: first, capability: secondCapability })).toEqual(nothing);
    expect(await decline({ callId: first, capability: randomBytes(32).toString('base64url') })).toEqual(nothing);
    expect(await decline({ callId: 'AAAAAAAAAAAAAAAA', capability: firstCapability })).toEqual(nothing);
    const oversized = await decline({ callId: first, capability: firstCapability, padding: 'x'.repeat(MAX_ACCOUNTS_BODY_BYTES) });
    expect(oversized.status).toBe(413);
    for (const malformed of [{ callId: first }, { capability: firstCapability }, { callId: 42, capability: firstCapability }, 'not json', '[]']) {
      expect((await decline(malformed)).status).toBe(400);
    }
    // Nothing of that changed either call.
    expect(callTraffic(ann)).toEqual([expect.objectContaining({ type: 'ringing' })]);

    expect(await decline({ callId: first, capability: firstCapability })).toEqual({ status: 204, body: '' });
    expect(await ann.next('decline')).toEqual({ type: 'decline', username: calleeName, reason: 'declined', callId: first });
    expect(await decline({ callId: first, capability: firstCapability })).toEqual(nothing);
    const ended = await push.waitForPush(pushFor(device, 'ring-ended', first));
    expect(payloadOf(ended)).toMatchObject({ missed: false });

    // The other call still rings, and its own capability declines it.
    expect(callTraffic(ben)).toEqual([expect.objectContaining({ type: 'ringing' })]);
    expect(await decline({ callId: second, capability: secondCapability })).toEqual({ status: 204, body: '' });
    expect(await ben.next('decline')).toEqual({ type: 'decline', username: calleeName, reason: 'declined', callId: second });
    await push.waitForPush(pushFor(device, 'ring-ended', second));

    expect(await server.recordOf(annName, first, 'declined')).toMatchObject({ direction: 'outgoing', peer: calleeName });
    expect(await server.recordOf(calleeName, first, 'declined')).toMatchObject({ direction: 'incoming', peer: annName });
    expect(await server.recordOf(calleeName, second, 'declined')).toMatchObject({ direction: 'incoming', peer: benName });
    // The bystander, online and subscribed, saw none of it.
    await bystander.sync();
    expect(callTraffic(bystander)).toEqual([]);
    expect(pushesTo(push, bystanderDevice)).toEqual([]);
    expect(push.refused).toEqual([]);
  });
});
