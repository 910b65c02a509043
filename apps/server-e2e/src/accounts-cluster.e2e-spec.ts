import { startPostgres, startPushEndpoint, PostgresServer, PushEndpoint } from '@duet/testing/processes';
import { RING_DECLINE_PATH } from '@duet/shared/protocol';
import { AccountsApi, accountsEnv, payloadOf, pushFor, ringDevice, sha256Hex } from './support/accounts';
import { ANSWER, CALL_ID, OFFER } from './support/call-flow';
import { Cluster, startCluster } from './support/cluster';
import { uniqueName } from './support/names';

/**
 * Ringing devices in a cluster (`REDIS_URL` + `DATABASE_URL`): two instances started together, one
 * PostgreSQL, one Redis. A ring started on one instance is picked up or declined through the other.
 */
describe('accounts: ringing devices across the instances of a cluster', () => {
  let push: PushEndpoint;
  let postgres: PostgresServer;
  let cluster: Cluster;
  let one: AccountsApi;
  let two: AccountsApi;

  beforeAll(async () => {
    push = await startPushEndpoint();
    postgres = await startPostgres();
    const databaseUrl = await postgres.createDatabase('duet_cluster');
    cluster = await startCluster(2, { ...accountsEnv(push), DATABASE_URL: databaseUrl });
    [one, two] = cluster.instances.map((instance) => new AccountsApi(() => instance, push));
  });
  afterAll(async () => {
    one?.closeClients();
    two?.closeClients();
    await cluster?.stop();
    await postgres?.stop();
    await push?.close();
  });

  it('agrees on one generated VAPID key, though both instances started at once', async () => {
    expect(await two.pushPublicKey()).toBe(await one.pushPublicKey());
  });

  it('a ring started on one instance is picked up when the callee signs in on the other', async () => {
    const [callerName, calleeName] = [uniqueName('dee'), uniqueName('eli')];
    const device = await two.subscribeDevice(calleeName);
    const caller = await one.login(callerName);
    const { callId: ring, capability } = await ringDevice(push, caller, calleeName, device);

    const callee = await two.login(calleeName);
    const offer = await callee.next('offer');
    expect(offer).toEqual({ type: 'offer', offer: OFFER, username: callerName, callId: CALL_ID, ring, ringKey: sha256Hex(capability) });
    expect(await caller.next('ringing')).toEqual({ type: 'ringing', username: calleeName, callId: offer['callId'], replaces: ring });
    callee.send({ type: 'answer', answer: ANSWER, otherUsername: callerName, callId: offer['callId'] });
    expect(await caller.next('answer')).toMatchObject({ callId: offer['callId'] });
    expect(payloadOf(await push.waitForPush(pushFor(device, 'ring-ended', ring)))).toMatchObject({ missed: false });
    caller.send({ type: 'close', otherUsername: calleeName });
    expect(await callee.next('close')).toMatchObject({ reason: 'hangup', callId: offer['callId'] });
    expect(await two.recordOf(callerName, offer['callId'], 'answered')).toMatchObject({ direction: 'outgoing' });
    expect(await one.recordOf(calleeName, offer['callId'], 'answered')).toMatchObject({ direction: 'incoming' });
  });

  it('a decline sent to the other instance reaches the caller', async () => {
    const [callerName, calleeName] = [uniqueName('fox'), uniqueName('gil')];
    const device = await one.subscribeDevice(calleeName);
    const caller = await one.login(callerName);
    const { callId, capability } = await ringDevice(push, caller, calleeName, device);
    expect((await two.request(undefined, 'POST', RING_DECLINE_PATH, { callId, capability })).status).toBe(204);
    expect(await caller.next('decline')).toEqual({ type: 'decline', username: calleeName, reason: 'declined', callId });
    expect((await one.request(undefined, 'POST', RING_DECLINE_PATH, { callId, capability })).status).toBe(404);
    expect(await two.recordOf(callerName, callId, 'declined')).toMatchObject({ direction: 'outgoing' });
  });
});
