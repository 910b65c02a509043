import { Logger } from '@nestjs/common';
import { fakeSession } from '../../testing/fake-session';
import { signalingWithAccounts } from '../../testing/signaling-service';
import { CallRecorder } from './call-recorder';

type Client = ReturnType<typeof fakeSession>;

const OFFER = { type: 'offer', sdp: 'v=0' } as const;
const ANSWER = { type: 'answer', sdp: 'v=0' } as const;
const RING_MS = 1_000;

describe(CallRecorder.name, () => {
  let signaling: ReturnType<typeof signalingWithAccounts>;
  let alice: Client;
  let bob: Client;

  beforeEach(async () => {
    signaling = signalingWithAccounts(RING_MS);
    signaling.devices.subscribe('bob');
    alice = await loggedIn('alice');
    bob = await loggedIn('bob');
  });
  afterEach(() => {
    signaling.destroy();
    jest.useRealTimers();
  });

  async function loggedIn(username: string): Promise<Client> {
    const client = fakeSession();
    await signaling.service.login(client.session, { type: 'login', username });
    return client;
  }

  /** alice calls bob; returns the call's id. */
  async function ring(): Promise<string> {
    alice.sent.length = 0;
    await signaling.service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    const ringing = alice.sent.find((message) => message.type === 'ringing');
    return (ringing as { callId: string }).callId;
  }

  const missedPushes = () => signaling.devices.pushes.filter((push) => push.kind === 'ring-ended');

  it('journals an answered call from ring to hang-up, and pushes nothing', async () => {
    const callId = await ring();
    await signaling.service.answer(bob.session, { type: 'answer', answer: ANSWER, otherUsername: 'alice' });
    await signaling.service.close(alice.session, { type: 'close', otherUsername: 'bob', callId });
    expect(signaling.journal.entries).toEqual([
      ['ringing', { callId, caller: 'alice', callee: 'bob', onDevices: false }],
      ['answered', callId],
      ['ended', callId, 'hangup'],
    ]);
    expect(signaling.devices.pushes).toEqual([]);
  });

  it('tells the callee\'s devices of a call the caller gave up on before it was answered', async () => {
    const callId = await ring();
    await signaling.service.close(alice.session, { type: 'close', otherUsername: 'bob' });
    expect(signaling.journal.entries.at(-1)).toEqual(['ended', callId, 'hangup']);
    expect(missedPushes()).toEqual([{ kind: 'ring-ended', callee: 'bob', caller: 'alice', callId, missed: true }]);
  });

  it('tells the callee\'s devices of a call nobody answered in time', async () => {
    jest.useFakeTimers();
    const callId = await ring();
    await jest.advanceTimersByTimeAsync(RING_MS);
    expect(signaling.journal.entries.at(-1)).toEqual(['ended', callId, 'timeout']);
    expect(missedPushes()).toEqual([{ kind: 'ring-ended', callee: 'bob', caller: 'alice', callId, missed: true }]);
  });

  it('tells the callee\'s devices of a call whose caller left while it rang', async () => {
    const callId = await ring();
    await signaling.service.disconnect(alice.session, { dropped: false });
    expect(signaling.journal.entries.at(-1)).toEqual(['ended', callId, 'disconnected']);
    expect(missedPushes()).toEqual([{ kind: 'ring-ended', callee: 'bob', caller: 'alice', callId, missed: true }]);
  });

  it('pushes nothing for a declined call, nor when the callee hangs up or leaves', async () => {
    const declined = await ring();
    await signaling.service.decline(bob.session, { type: 'decline', otherUsername: 'alice' });
    const hungUp = await ring();
    await signaling.service.close(bob.session, { type: 'close', otherUsername: 'alice' });
    const left = await ring();
    await signaling.service.disconnect(bob.session, { dropped: false });
    expect(signaling.journal.entries.filter((entry) => entry[0] === 'ended')).toEqual([
      ['ended', declined, 'declined'],
      ['ended', hungUp, 'hangup'],
      ['ended', left, 'disconnected'],
    ]);
    expect(signaling.devices.pushes).toEqual([]);
  });

  it('journals busy when the callee is in another call', async () => {
    const carol = await loggedIn('carol');
    await ring();
    await signaling.service.offer(carol.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    expect(signaling.journal.entries.at(-1)).toEqual(['busy', 'carol', 'bob']);
  });

  it('trusts the registry over its own notes: a call answered elsewhere is no missed call', async () => {
    const callId = await ring();
    // As if the answer had gone through another instance: the registry knows, this one did not see it.
    await signaling.registry.accept('bob', 'alice', callId);
    await signaling.service.close(alice.session, { type: 'close', otherUsername: 'bob' });
    expect(signaling.devices.pushes).toEqual([]);
  });

  it('logs a missed-call push that failed, and goes on', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(signaling.devices, 'ringEnded').mockRejectedValueOnce(new Error('push service down'));
    await ring();
    await signaling.service.close(alice.session, { type: 'close' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(warn).toHaveBeenCalledWith('missed-call push failed: push service down');
    expect(signaling.registry.inspect().calls).toEqual([]);
  });
});
