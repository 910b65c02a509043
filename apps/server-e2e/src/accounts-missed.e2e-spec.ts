import { startPushEndpoint, PushEndpoint, TestPushSubscription } from '@duet/testing/processes';
import { HISTORY_PATH, RING_DECLINE_PATH } from '@duet/shared/protocol';
import { AccountsServer, callTraffic, payloadOf, pushFor, ringDevice } from './support/accounts';
import { OFFER } from './support/call-flow';
import { uniqueName } from './support/names';
import { requireBuiltServer } from './support/server-process';
import { TestClient } from './support/test-client';

/** Short, so a test waits for a ring to time out; whole seconds, as the push's TTL is. */
const RING_TIMEOUT_MS = 2_000;

/**
 * Missed calls: a ring the caller cancels, leaves or lets time out tells the callee's devices
 * "missed call from …", and both parties find it in their history after signing in. The tests
 * run in order and share one callee, whose history the last ones read.
 */
describe('accounts: missed calls and call history', () => {
  let push: PushEndpoint;
  let server: AccountsServer;
  const calleeName = uniqueName('mia');
  const [callerName, leaverName] = [uniqueName('ned'), uniqueName('ola')];
  let device: TestPushSubscription;
  let caller: TestClient;
  const missedCalls: string[] = [];

  beforeAll(async () => {
    requireBuiltServer();
    push = await startPushEndpoint();
    server = await AccountsServer.start({ push, env: { RING_TIMEOUT_MS: String(RING_TIMEOUT_MS) } });
    device = await server.subscribeDevice(calleeName);
    caller = await server.login(callerName);
  });
  afterAll(async () => {
    await server?.close();
    await push?.close();
  });

  /** `from` calls the offline callee: the ring's callId, once its push reached the device. */
  async function ringCallee(from: TestClient): Promise<string> {
    return (await ringDevice(push, from, calleeName, device)).callId;
  }

  async function expectMissedCallPush(from: string, callId: string): Promise<void> {
    const ended = await push.waitForPush(pushFor(device, 'ring-ended', callId));
    expect(payloadOf(ended)).toEqual({ kind: 'ring-ended', caller: from, callId, missed: true });
    expect(ended.urgency).toBe('high');
  }

  it('cancel: the caller hangs up while it rings, the devices get "missed call", and the caller may call again', async () => {
    const callId = await ringCallee(caller);
    caller.send({ type: 'close', otherUsername: calleeName, callId });
    await expectMissedCallPush(callerName, callId);
    missedCalls.push(callId);
    await caller.sync();
    expect(callTraffic(caller)).toEqual([
      { type: 'ringing', username: calleeName, callId, devices: true },
    ]);
  });

  it('the caller leaving ends the ring the same way', async () => {
    const leaver = await server.login(leaverName);
    const callId = await ringCallee(leaver);
    leaver.close();
    await expectMissedCallPush(leaverName, callId);
    missedCalls.push(callId);
  });

  it('timeout: nobody answers within RING_TIMEOUT_MS, the caller hears "timeout", the devices "missed call", the capability no longer declines', async () => {
    const { callId, capability } = await ringDevice(push, caller, calleeName, device);
    expect(await caller.next('close', RING_TIMEOUT_MS + 5_000)).toEqual({ type: 'close', username: calleeName, reason: 'timeout', callId });
    await expectMissedCallPush(callerName, callId);
    missedCalls.push(callId);
    expect(await server.request(undefined, 'POST', RING_DECLINE_PATH, { callId, capability })).toEqual({
      status: 404,
      body: { message: 'no such ringing call' },
    });
  });

  it('shows the missed calls on both sides after the callee signs in (outgoing for the caller, incoming for the callee), newest first, paged', async () => {
    const callee = await server.login(calleeName);
    // The rings are over: signing in picks nothing up.
    await callee.sync();
    expect(callTraffic(callee)).toEqual([]);

    const incoming = (await server.historyOf(calleeName, 3)).calls;
    expect(incoming.map(({ callId, peer, direction, outcome, durationMs }) => ({ callId, peer, direction, outcome, durationMs }))).toEqual(
      [...missedCalls].reverse().map((callId, index) => ({
        callId,
        peer: index === 1 ? leaverName : callerName,
        direction: 'incoming',
        outcome: 'missed',
        durationMs: 0,
      })),
    );
    expect((await server.historyOf(callerName, 2)).calls).toEqual([
      expect.objectContaining({ callId: missedCalls[2], peer: calleeName, direction: 'outgoing', outcome: 'missed' }),
      expect.objectContaining({ callId: missedCalls[0], peer: calleeName, direction: 'outgoing', outcome: 'missed' }),
    ]);
    expect((await server.historyOf(leaverName, 1)).calls).toEqual([expect.objectContaining({ callId: missedCalls[1], direction: 'outgoing' })]);

    const firstPage = await server.history(calleeName, '?limit=2');
    expect(firstPage.calls).toEqual(incoming.slice(0, 2));
    expect(firstPage.next).toEqual(expect.any(String));
    expect(await server.history(calleeName, `?limit=2&before=${encodeURIComponent(firstPage.next ?? '')}`)).toEqual({ calls: incoming.slice(2) });
    expect((await server.request(calleeName, 'GET', `${HISTORY_PATH}?limit=0`)).status).toBe(400);
    expect((await server.request(undefined, 'GET', HISTORY_PATH)).status).toBe(401);
  });

  it('clears only the asker\'s own history', async () => {
    expect(await server.request(calleeName, 'DELETE', HISTORY_PATH)).toEqual({ status: 204, body: '' });
    expect(await server.history(calleeName)).toEqual({ calls: [] });
    expect((await server.history(callerName)).calls).toHaveLength(2);
    expect((await server.history(leaverName)).calls).toHaveLength(1);
    expect((await server.request(undefined, 'DELETE', HISTORY_PATH)).status).toBe(401);
  });

  it('an ordinary call the caller gives up on tells the callee\'s devices too, and is missed for both', async () => {
    const calleeAccount = uniqueName('pia');
    const callee = await server.login(calleeAccount);
    const calleeDevice = await server.subscribeDevice(calleeAccount);
    caller.send({ type: 'offer', offer: OFFER, otherUsername: calleeAccount });
    const { callId } = await caller.next('ringing');
    expect(await callee.next('offer')).toMatchObject({ callId });
    caller.send({ type: 'close', otherUsername: calleeAccount, callId });
    expect(await callee.next('close')).toEqual({ type: 'close', username: callerName, reason: 'hangup', callId });
    const ended = await push.waitForPush(pushFor(calleeDevice, 'ring-ended', callId));
    expect(payloadOf(ended)).toEqual({ kind: 'ring-ended', caller: callerName, callId, missed: true });
    expect(await server.recordOf(calleeAccount, callId, 'missed')).toMatchObject({ direction: 'incoming', peer: callerName });
    expect(await server.recordOf(callerName, callId, 'missed')).toMatchObject({ direction: 'outgoing', peer: calleeAccount });
  });
});
