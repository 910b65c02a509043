import { startPostgres, startPushEndpoint, PostgresServer, PushEndpoint } from '@duet/testing/processes';
import { MAX_PUSH_SUBSCRIPTIONS, PUSH_SUBSCRIPTIONS_PATH } from '@duet/shared/protocol';
import { AccountsServer, callTraffic, payloadOf, pushFor, ringDevice } from './support/accounts';
import { OFFER } from './support/call-flow';
import { uniqueName } from './support/names';
import { requireBuiltServer } from './support/server-process';

/**
 * What a user keeps survives a restart of the server (graceful stop, start on the same data):
 * history, push subscriptions, and the generated VAPID key pair those subscriptions were made
 * with, so pushes after the restart still verify. On both databases.
 */
describe.each([
  ['SQLite (DATA_DIR)', false],
  ['PostgreSQL (DATABASE_URL)', true],
])('accounts: durable across a restart, on %s', (_label, usePostgres) => {
  let push: PushEndpoint;
  let postgres: PostgresServer | undefined;
  let server: AccountsServer;

  beforeAll(async () => {
    requireBuiltServer();
    push = await startPushEndpoint();
    postgres = usePostgres ? await startPostgres() : undefined;
    const databaseUrl = await postgres?.createDatabase('duet_durability');
    server = await AccountsServer.start({ push, databaseUrl });
    // The database really in use, as the start-up line names it.
    expect(server.output()).toMatch(usePostgres ? `accounts postgres at 127.0.0.1:${postgres?.port}/duet_durability` : 'accounts sqlite in ');
  });
  afterAll(async () => {
    await server?.close();
    await postgres?.stop();
    await push?.close();
  });

  it('keeps history, subscriptions and the VAPID key: a push after the restart reaches the same browser and verifies', async () => {
    const [callerName, calleeName] = [uniqueName('yan'), uniqueName('zoe')];
    const key = await server.pushPublicKey();
    // Made with that key: the push service refuses (403) any push signed by another.
    const device = await server.subscribeDevice(calleeName);
    let caller = await server.login(callerName);
    caller.send({ type: 'offer', offer: OFFER, otherUsername: calleeName });
    const before = (await caller.next('ringing'))['callId'];
    await push.waitForPush(pushFor(device, 'ring', before));
    caller.send({ type: 'close', otherUsername: calleeName, callId: before });
    await push.waitForPush(pushFor(device, 'ring-ended', before));
    const histories = [(await server.historyOf(callerName, 1)).calls, (await server.historyOf(calleeName, 1)).calls];

    await server.restart();

    expect(await server.pushPublicKey()).toBe(key);
    expect([(await server.history(callerName)).calls, (await server.history(calleeName)).calls]).toEqual(histories);
    expect(histories.map((calls) => calls[0].direction)).toEqual(['outgoing', 'incoming']);

    caller = await server.login(callerName);
    caller.send({ type: 'offer', offer: OFFER, otherUsername: calleeName });
    const ringing = await caller.next('ringing');
    expect(ringing).toMatchObject({ devices: true });
    const after = await push.waitForPush(pushFor(device, 'ring', ringing['callId']));
    expect(after.vapid.k).toBe(key);
    expect(payloadOf(after)).toMatchObject({ kind: 'ring', caller: callerName });
    expect(push.refused).toEqual([]);
    caller.send({ type: 'close', otherUsername: calleeName, callId: ringing['callId'] });
    await push.waitForPush(pushFor(device, 'ring-ended', ringing['callId']));
  });

  it(`keeps at most ${MAX_PUSH_SUBSCRIPTIONS} browsers of one user when more subscribe at the same moment`, async () => {
    const username = uniqueName('amy');
    const applicationServerKey = await server.pushPublicKey();
    const statuses = await Promise.all(
      Array.from({ length: MAX_PUSH_SUBSCRIPTIONS + 3 }, () =>
        server.request(username, 'POST', PUSH_SUBSCRIPTIONS_PATH, push.subscription({ applicationServerKey }).json).then(({ status }) => status),
      ),
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(MAX_PUSH_SUBSCRIPTIONS);
    expect(statuses.filter((status) => status === 409)).toHaveLength(3);
  });

  it.each([
    ['stops', false],
    ['crashes', true],
  ])('a ring live when the server %s ends as missed for both; the callee signing in after the restart picks nothing up', async (_how, crash) => {
    const [callerName, calleeName] = [uniqueName('bo'), uniqueName('cy')];
    const device = await server.subscribeDevice(calleeName);
    const caller = await server.login(callerName);
    const { callId } = await ringDevice(push, caller, calleeName, device);

    await server.restart({ crash });
    expect(server.previousOutput).not.toContain('"level":50');

    // Its caller is gone: the ring (kept in the database through a crash) is over, missed.
    const callee = await server.login(calleeName);
    await callee.sync();
    expect(callTraffic(callee)).toEqual([]);
    expect(await server.recordOf(callerName, callId, 'missed')).toMatchObject({ direction: 'outgoing' });
    expect(await server.recordOf(calleeName, callId, 'missed')).toMatchObject({ direction: 'incoming' });
    expect(payloadOf(await push.waitForPush(pushFor(device, 'ring-ended', callId)))).toMatchObject({ missed: true });
  });
});
