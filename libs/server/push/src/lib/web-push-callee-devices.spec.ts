import { PushEndpoint, startPushEndpoint, TestPushSubscription } from '@duet/testing/processes';
import { Logger } from '@nestjs/common';
import { generateVAPIDKeys } from 'web-push';
import { InMemoryPushSubscriptionStore } from '../testing/in-memory-stores';
import { PushEndpointPolicy } from './endpoint-policy';
import { GuardedPushAgent } from './guarded-push-agent';
import { pushTopic, PushSender } from './push-sender';
import { MISSED_CALL_TTL_MS, RING_ENDED_TTL_MS, WebPushCalleeDevices } from './web-push-callee-devices';

describe(WebPushCalleeDevices.name, () => {
  const vapid = { subject: 'mailto:ops@duet.invalid', ...generateVAPIDKeys() };
  let endpoint: PushEndpoint;
  let untrust: () => void;
  let store: InMemoryPushSubscriptionStore;
  let senders: PushSender[];
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    endpoint = await startPushEndpoint();
    untrust = endpoint.trustInThisProcess();
  });
  afterAll(async () => {
    untrust();
    await endpoint.close();
  });
  beforeEach(() => {
    store = new InMemoryPushSubscriptionStore();
    senders = [];
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => {
    senders.forEach((sender) => sender.onModuleDestroy());
    jest.restoreAllMocks();
  });

  const devicesAllowing = (hosts: string[]) => {
    const sender = new PushSender(store, new PushEndpointPolicy(hosts), vapid);
    senders.push(sender);
    return new WebPushCalleeDevices(store, sender);
  };
  const subscribe = async (username: string): Promise<TestPushSubscription> => {
    const subscription = endpoint.subscription({ applicationServerKey: vapid.publicKey });
    await store.add(username, { endpoint: subscription.json.endpoint, ...subscription.json.keys }, 10);
    return subscription;
  };
  const pushesTo = (subscription: TestPushSubscription) => endpoint.received.filter((push) => push.subscriptionId === subscription.id);
  const ring = { callee: 'Bob', caller: 'alice', callId: 'ring-call-1', capability: 'c'.repeat(43), ttlMs: 29_001 };

  it('rings every device with the encrypted payload, TTL in seconds rounded up, urgency high, the call as topic', async () => {
    const phone = await subscribe('bob');
    const laptop = await subscribe('bob');
    const devices = devicesAllowing([endpoint.host]);

    await expect(devices.ring(ring)).resolves.toBe(2);

    for (const device of [phone, laptop]) {
      expect(pushesTo(device)).toEqual([
        expect.objectContaining({
          payload: { kind: 'ring', caller: 'alice', callId: 'ring-call-1', capability: ring.capability, ttlMs: 29_001 },
          ttl: 30,
          urgency: 'high',
          topic: pushTopic('ring-call-1'),
        }),
      ]);
    }
    expect(endpoint.refused).toEqual([]);
  });

  it('connects through the guarded agent', async () => {
    const connect = jest.spyOn(GuardedPushAgent.prototype, 'createConnection');
    await subscribe('bob');
    await expect(devicesAllowing([endpoint.host]).ring(ring)).resolves.toBe(1);
    expect(connect).toHaveBeenCalledWith(expect.objectContaining({ host: '127.0.0.1' }), expect.any(Function));
  });

  it('counts no device, and none reachable, when the store cannot be read, and says so', async () => {
    jest.spyOn(store, 'list').mockRejectedValue(new Error('database is gone'));
    jest.spyOn(store, 'any').mockRejectedValue(new Error('database is gone'));
    const devices = devicesAllowing([endpoint.host]);
    await expect(devices.ring(ring)).resolves.toBe(0);
    await expect(devices.ringEnded('bob', { caller: 'alice', callId: 'ring-call-1', missed: true })).resolves.toBeUndefined();
    await expect(devices.reachable('bob')).resolves.toBe(false);
    expect(warn).toHaveBeenCalledWith('could not read the push subscriptions of Bob: database is gone');
    expect(warn).toHaveBeenCalledWith('could not tell whether bob has devices to ring: database is gone');
  });

  it('names the call by a topic of at most 32 base64url characters, the same for every push of that call', () => {
    expect(pushTopic('ring-call-1')).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(pushTopic('ring-call-1')).toBe(pushTopic('ring-call-1'));
    expect(pushTopic('ring-call-2')).not.toBe(pushTopic('ring-call-1'));
  });

  it.each([
    [true, MISSED_CALL_TTL_MS / 1_000],
    [false, RING_ENDED_TTL_MS / 1_000],
  ])('tells every device the ring ended (missed: %s, TTL %i s) under the ring\'s topic', async (missed, ttl) => {
    const phone = await subscribe('bob');
    await devicesAllowing([endpoint.host]).ringEnded('bob', { caller: 'alice', callId: 'ring-call-1', missed });
    expect(pushesTo(phone)).toEqual([
      expect.objectContaining({ payload: { kind: 'ring-ended', caller: 'alice', callId: 'ring-call-1', missed }, ttl, urgency: 'high', topic: pushTopic('ring-call-1') }),
    ]);
  });

  it.each([404, 410] as const)('forgets a subscription its push service answers %i, and counts the rest', async (status) => {
    const gone = await subscribe('bob');
    const kept = await subscribe('bob');
    endpoint.answerWith(gone.id, status);

    await expect(devicesAllowing([endpoint.host]).ring(ring)).resolves.toBe(1);

    expect((await store.list('bob')).map((subscription) => subscription.endpoint)).toEqual([kept.json.endpoint]);
  });

  it('keeps a subscription whose push failed otherwise, and logs the failure without its endpoint', async () => {
    const broken = endpoint.subscription({ applicationServerKey: generateVAPIDKeys().publicKey });
    await store.add('bob', { endpoint: broken.json.endpoint, ...broken.json.keys }, 10);

    await expect(devicesAllowing([endpoint.host]).ring(ring)).resolves.toBe(0);

    expect(await store.any('bob')).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('the push service answered 403'));
    expect(JSON.stringify(warn.mock.calls)).not.toContain(broken.id);
  });

  it('sends nothing to an endpoint the allow-list no longer lets through', async () => {
    const phone = await subscribe('bob');

    await expect(devicesAllowing(['fcm.googleapis.com']).ring(ring)).resolves.toBe(0);

    expect(pushesTo(phone)).toEqual([]);
    expect(await store.any('bob')).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('is not an allowed push service'));
  });

  it('is reachable exactly when the user has a subscription', async () => {
    const devices = devicesAllowing([endpoint.host]);
    await expect(devices.reachable('bob')).resolves.toBe(false);
    await subscribe('bob');
    await expect(devices.reachable('BOB')).resolves.toBe(true);
    await expect(devices.ring({ ...ring, callee: 'carol' })).resolves.toBe(0);
  });
});
