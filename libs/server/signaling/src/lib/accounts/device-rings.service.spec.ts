import { ServerMessage } from '@duet/shared/protocol';
import { createHash } from 'node:crypto';
import { RecordingDevices, RecordingJournal } from '../../testing/accounts-fakes';
import { fakeSession } from '../../testing/fake-session';
import { InspectableRegistry } from '../../testing/inspectable-registry';
import { signalingWithAccounts } from '../../testing/signaling-service';
import { SignalingService } from '../signaling.service';
import { DeviceRing } from './device-ring-store';
import { DeviceRingService } from './device-rings.service';
import { InMemoryDeviceRingStore } from './in-memory-device-ring-store';

type Client = ReturnType<typeof fakeSession>;

const OFFER = { type: 'offer', sdp: 'v=0 alice' } as const;
const ANSWER = { type: 'answer', sdp: 'v=0 bob' } as const;
const RING_MS = 1_000;

describe(DeviceRingService.name, () => {
  let registry: InspectableRegistry;
  let devices: RecordingDevices;
  let journal: RecordingJournal;
  let store: InMemoryDeviceRingStore;
  let deviceRings: DeviceRingService;
  let service: SignalingService;
  let destroy: () => void;

  beforeEach(() => {
    jest.useFakeTimers();
    ({ registry, devices, journal, store, deviceRings, service, destroy } = signalingWithAccounts(RING_MS));
    devices.subscribe('bob').subscribe('dave');
  });
  afterEach(() => {
    destroy();
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
    expect(registry.violations()).toEqual([]);
  });

  async function loggedIn(username: string): Promise<Client> {
    const client = fakeSession();
    await service.login(client.session, { type: 'login', username });
    client.sent.length = 0;
    return client;
  }

  /** `caller` calls offline `callee`; returns the ring's id once its push went out. */
  async function ringDevices(caller: Client, callee = 'bob'): Promise<string> {
    await service.offer(caller.session, { type: 'offer', offer: OFFER, otherUsername: callee });
    const ringing = caller.sent.find((message) => message.type === 'ringing');
    if (ringing?.type !== 'ringing') throw new Error(`no ringing: ${JSON.stringify(caller.sent)}`);
    await jest.advanceTimersByTimeAsync(0);
    caller.sent.length = 0;
    return ringing.callId;
  }

  const notPresence = (messages: ServerMessage[]) => messages.filter((message) => message.type !== 'presence' && message.type !== 'users');

  it('rings an offline callee with devices: the caller hears so, each device gets caller, call and remaining time; only a hash is kept', async () => {
    const add = jest.spyOn(store, 'add');
    const alice = await loggedIn('alice');
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    const callId = (alice.sent[0] as { callId: string }).callId;
    expect(alice.sent).toEqual([{ type: 'ringing', username: 'bob', callId: expect.stringMatching(/^[\w-]{16}$/), devices: true }]);
    await jest.advanceTimersByTimeAsync(0);
    const push = devices.lastRing();
    expect(push).toEqual({ callee: 'bob', caller: 'alice', callId, capability: expect.stringMatching(/^[\w-]{43}$/), ttlMs: expect.any(Number) });
    expect(push.ttlMs).toBeGreaterThan(0);
    expect(push.ttlMs).toBeLessThanOrEqual(RING_MS);
    const kept = add.mock.calls[0][0] as DeviceRing;
    expect(kept).toEqual({ callId, caller: 'alice', callee: 'bob', offer: OFFER, capabilityHash: sha256(push.capability), expiresAt: expect.any(Number) });
    expect(JSON.stringify(kept)).not.toContain(push.capability);
    expect(journal.entries).toEqual([['ringing', { callId, caller: 'alice', callee: 'bob', onDevices: true }]]);
  });

  it('tells the caller the callee is offline, as before, when they have no devices', async () => {
    const alice = await loggedIn('alice');
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'carol' });
    expect(alice.sent).toEqual([{ type: 'error', code: 'user-offline', message: 'carol is not online', replyTo: 'offer' }]);
    expect(await store.isRinging('alice')).toBe(false);
    expect(devices.pushes).toEqual([]);
  });

  it('ends the call as unreachable when no push service took the push', async () => {
    devices.accepting = 0;
    const alice = await loggedIn('alice');
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    const callId = (alice.sent[0] as { callId: string }).callId;
    await jest.advanceTimersByTimeAsync(0);
    expect(alice.sent).toEqual([
      { type: 'ringing', username: 'bob', callId, devices: true },
      { type: 'close', username: 'bob', reason: 'unreachable', callId },
    ]);
    expect(journal.entries.at(-1)).toEqual(['ended', callId, 'unreachable']);
    expect(await store.isRinging('alice')).toBe(false);
  });

  it('times out: the caller hears timeout, the devices "missed call", the journal timeout', async () => {
    const alice = await loggedIn('alice');
    const callId = await ringDevices(alice);
    await jest.advanceTimersByTimeAsync(RING_MS - 1);
    expect(alice.sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(alice.sent).toEqual([{ type: 'close', username: 'bob', reason: 'timeout', callId }]);
    expect(devices.pushes.at(-1)).toEqual({ kind: 'ring-ended', callee: 'bob', caller: 'alice', callId, missed: true });
    expect(journal.entries.at(-1)).toEqual(['ended', callId, 'timeout']);
  });

  it('keeps a caller who rings devices busy: no call of their own, busy for others', async () => {
    const alice = await loggedIn('alice');
    const carol = await loggedIn('carol');
    await ringDevices(alice);
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'carol' });
    expect(alice.sent).toEqual([{ type: 'error', code: 'already-in-call', message: 'hang up your current call first', replyTo: 'offer' }]);
    await service.offer(carol.session, { type: 'offer', offer: OFFER, otherUsername: 'alice' });
    expect(carol.sent).toEqual([{ type: 'decline', username: 'alice', reason: 'busy' }]);
    expect(journal.entries.at(-1)).toEqual(['busy', 'carol', 'alice']);
    expect(registry.inspect().calls).toEqual([]);
  });

  it.each([
    ['naming the ring', (callId: string) => ({ otherUsername: 'bob', callId })],
    ['naming the callee only (a tutorial client)', () => ({ otherUsername: 'BOB' })],
    ['naming nothing', () => ({})],
  ])('lets the caller cancel with close %s: a missed call for the callee, no reply', async (_, close) => {
    const alice = await loggedIn('alice');
    const callId = await ringDevices(alice);
    await service.close(alice.session, { type: 'close', ...close(callId) });
    expect(alice.sent).toEqual([]);
    expect(devices.pushes.at(-1)).toEqual({ kind: 'ring-ended', callee: 'bob', caller: 'alice', callId, missed: true });
    expect(journal.entries.at(-1)).toEqual(['ended', callId, 'hangup']);
    expect(await store.isRinging('alice')).toBe(false);
  });

  it("ignores a close naming another call or callee, and a third user's close", async () => {
    const alice = await loggedIn('alice');
    const mallory = await loggedIn('mallory');
    const callId = await ringDevices(alice);
    await service.close(alice.session, { type: 'close', otherUsername: 'bob', callId: 'another-call-id' });
    await service.close(alice.session, { type: 'close', otherUsername: 'carol' });
    await service.close(mallory.session, { type: 'close', otherUsername: 'bob', callId });
    expect(alice.sent.map((message) => message.type === 'error' && message.code)).toEqual(['stale-call', 'not-in-call']);
    expect(mallory.sent.map((message) => message.type === 'error' && message.code)).toEqual(['stale-call']);
    expect(await store.isRinging('alice')).toBe(true);
  });

  it('ends the ring when the caller leaves', async () => {
    const alice = await loggedIn('alice');
    const callId = await ringDevices(alice);
    await service.disconnect(alice.session, { dropped: false });
    expect(devices.pushes.at(-1)).toEqual({ kind: 'ring-ended', callee: 'bob', caller: 'alice', callId, missed: true });
    expect(journal.entries.at(-1)).toEqual(['ended', callId, 'hangup']);
  });

  it("picks the ring up when the callee signs in: the kept offer names the ring, the caller adopts the call's id, the answer relays", async () => {
    const alice = await loggedIn('alice');
    const ringId = await ringDevices(alice);
    const { capability } = devices.lastRing();
    const bob = fakeSession();
    await service.login(bob.session, { type: 'login', username: 'Bob' });
    const offer = bob.sent.find((message) => message.type === 'offer');
    // ringKey is what proves a page was opened from the push (the Answer URL's key hashes to it).
    const ringKey = sha256(capability);
    expect(offer).toEqual({ type: 'offer', offer: OFFER, username: 'alice', callId: expect.stringMatching(/^[\w-]{16}$/), ring: ringId, ringKey });
    expect(ringKey).toMatch(/^[0-9a-f]{64}$/);
    const callId = (offer as { callId: string }).callId;
    expect(callId).not.toBe(ringId);
    expect(notPresence(alice.sent)).toEqual([{ type: 'ringing', username: 'Bob', callId, replaces: ringId }]);
    // The caller learns the ring's id, never its key: a link it crafts cannot answer for bob.
    expect(JSON.stringify(alice.sent)).not.toContain(ringKey);
    expect(JSON.stringify(alice.sent)).not.toContain(capability);
    expect(devices.pushes.at(-1)).toEqual({ kind: 'ring-ended', callee: 'bob', caller: 'alice', callId: ringId, missed: false });
    await service.answer(bob.session, { type: 'answer', answer: ANSWER, otherUsername: 'alice', callId });
    expect(alice.sent.at(-1)).toEqual({ type: 'answer', answer: ANSWER, username: 'Bob', callId });
    expect(registry.inspect().calls).toEqual([{ caller: 'alice', callee: 'Bob', state: 'active' }]);
    expect(journal.entries.slice(1)).toEqual([
      ['continued', ringId, callId],
      ['answered', callId],
    ]);
    // The ring's own timer is gone: nothing ends the call when the ring's time would have been up.
    await jest.advanceTimersByTimeAsync(RING_MS * 2);
    expect(registry.inspect().calls).toEqual([{ caller: 'alice', callee: 'Bob', state: 'active' }]);
  });

  it('lets the picked-up call ring out like any call, a missed call on the devices', async () => {
    const alice = await loggedIn('alice');
    await ringDevices(alice);
    const bob = await loggedIn('bob');
    const callId = (notPresence(alice.sent)[0] as { callId: string }).callId;
    await jest.advanceTimersByTimeAsync(RING_MS);
    expect(alice.sent.at(-1)).toEqual({ type: 'close', username: 'bob', reason: 'timeout', callId });
    expect(bob.sent.at(-1)).toEqual({ type: 'close', username: 'alice', reason: 'timeout', callId });
    expect(devices.pushes.at(-1)).toEqual({ kind: 'ring-ended', callee: 'bob', caller: 'alice', callId, missed: true });
  });

  it('ends a ring whose caller is gone when the callee signs in: missed, nothing relayed', async () => {
    const alice = await loggedIn('alice');
    const ringId = await ringDevices(alice);
    // The caller's instance died: its session is gone without a word, the ring is still stored.
    jest.spyOn(deviceRings, 'cancel').mockResolvedValueOnce(false);
    await service.disconnect(alice.session, { dropped: false });
    const bob = fakeSession();
    await service.login(bob.session, { type: 'login', username: 'bob' });
    expect(notPresence(bob.sent).map((message) => message.type)).toEqual(['login']);
    expect(devices.pushes.at(-1)).toEqual({ kind: 'ring-ended', callee: 'bob', caller: 'alice', callId: ringId, missed: true });
    expect(journal.entries.at(-1)).toEqual(['ended', ringId, 'disconnected']);
  });

  it('declines with the capability once, for that call only; forged, reused and foreign ones do nothing', async () => {
    const alice = await loggedIn('alice');
    const carol = await loggedIn('carol');
    const bobsRing = await ringDevices(alice);
    const bobsCapability = devices.lastRing().capability;
    const davesRing = await ringDevices(carol, 'dave');
    expect(await deviceRings.decline(bobsRing, 'A'.repeat(43))).toBe(false);
    expect(await deviceRings.decline(davesRing, bobsCapability)).toBe(false);
    expect(alice.sent.concat(carol.sent)).toEqual([]);
    expect(await deviceRings.decline(bobsRing, bobsCapability)).toBe(true);
    expect(await deviceRings.decline(bobsRing, bobsCapability)).toBe(false);
    expect(alice.sent).toEqual([{ type: 'decline', username: 'bob', reason: 'declined', callId: bobsRing }]);
    expect(carol.sent).toEqual([]);
    expect(devices.pushes.at(-1)).toEqual({ kind: 'ring-ended', callee: 'bob', caller: 'alice', callId: bobsRing, missed: false });
    expect(journal.entries.at(-1)).toEqual(['ended', bobsRing, 'declined']);
    expect(await store.isRinging('carol')).toBe(true);
  });

  it.each([
    ['decline', 'pick-up', 'timeout'],
    ['pick-up', 'timeout', 'decline'],
    ['timeout', 'decline', 'pick-up'],
  ])('lets exactly one of pick-up, decline and timeout win a ring when they meet (%s first)', async (...order) => {
    const alice = await loggedIn('alice');
    const ringId = await ringDevices(alice);
    const { capability } = devices.lastRing();
    const bob = fakeSession();
    let declined = false;
    const start = {
      decline: async () => void (declined = await deviceRings.decline(ringId, capability)),
      'pick-up': () => service.login(bob.session, { type: 'login', username: 'bob' }),
      timeout: () => jest.advanceTimersByTimeAsync(RING_MS),
    };
    await Promise.all(order.map((step) => start[step as keyof typeof start]()));
    const outcomes = [
      declined,
      bob.sent.some((message) => message.type === 'offer'),
      alice.sent.some((message) => message.type === 'close' && message.callId === ringId),
    ];
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(journal.entries.filter((entry) => entry[0] === 'ended' || entry[0] === 'continued')).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(RING_MS);
  });

  it('tells nobody else anything about a ring', async () => {
    const alice = await loggedIn('alice');
    const carol = await loggedIn('carol');
    carol.sent.length = 0;
    await ringDevices(alice);
    await service.close(alice.session, { type: 'close' });
    await ringDevices(alice);
    await jest.advanceTimersByTimeAsync(RING_MS);
    await ringDevices(alice);
    await deviceRings.decline(devices.lastRing().callId, devices.lastRing().capability);
    expect(carol.sent).toEqual([]);
    expect(devices.pushes.every((push) => push.callee === 'bob')).toBe(true);
  });
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
