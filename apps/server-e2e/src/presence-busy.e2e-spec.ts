import { ANSWER, OFFER } from './support/call-flow';
import { ClientPool } from './support/client-pool';
import { startTestServer, TestServer } from './support/test-server';
import { Received, TestClient } from './support/test-client';

/** Presence updates about calls that reached `client` so far. */
const busyUpdates = (client: TestClient) => client.log.filter((message: Received) => message['type'] === 'presence' && 'busy' in message);

describe('who is busy (in a call), in presence', () => {
  let server: TestServer;
  const pool = new ClientPool(() => server.wsUrl);
  afterEach(async () => {
    pool.closeAll();
    await server?.close();
  });

  it('is pushed as calls start and end, and carried by the list and search answers', async () => {
    server = await startTestServer();
    const [alice, aliceName] = await pool.login('alice');
    const [bob, bobName] = await pool.login('bob');
    const [carol] = await pool.login('carol');

    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    const { callId } = await alice.next('ringing');
    // Busy from the first ring: calling them now would get "busy".
    expect(await carol.nextWhere((message) => message['type'] === 'presence' && message['username'] === aliceName, 'alice busy')).toEqual({
      type: 'presence',
      username: aliceName,
      online: true,
      busy: true,
    });
    expect(await carol.nextWhere((message) => message['type'] === 'presence' && message['username'] === bobName, 'bob busy')).toMatchObject({ busy: true });
    await bob.next('offer');
    bob.send({ type: 'answer', answer: ANSWER, otherUsername: aliceName, callId });
    await alice.next('answer');

    const [dave, daveName] = await pool.login('dave');
    expect(dave.log.find((message) => message['type'] === 'users')?.['busy']).toEqual([aliceName, bobName]);
    dave.send({ type: 'search', prefix: aliceName.slice(0, 4) });
    expect(await dave.next('search')).toEqual({ type: 'search', prefix: aliceName.slice(0, 4), users: [aliceName], more: false, busy: [aliceName] });
    dave.send({ type: 'search', prefix: daveName });
    expect(await dave.next('search')).toEqual({ type: 'search', prefix: daveName, users: [daveName], more: false });

    alice.send({ type: 'close', otherUsername: bobName, callId });
    await bob.next('close');
    await dave.loggedSince(0, (message) => message['type'] === 'presence' && message['username'] === bobName && message['busy'] === false);
    expect(busyUpdates(dave)).toEqual([
      { type: 'presence', username: aliceName, online: true, busy: false },
      { type: 'presence', username: bobName, online: true, busy: false },
    ]);
    // The parties themselves are not told what they know.
    expect(busyUpdates(alice).concat(busyUpdates(bob))).toEqual([]);
  });

  it('is bounded like presence: past PRESENCE_LIMIT nothing is pushed, and search answers still say who is busy', async () => {
    server = await startTestServer({ presenceLimit: 2 });
    const [alice] = await pool.login('alice');
    const [bob, bobName] = await pool.login('bob');
    const [carol] = await pool.login('carol');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    await alice.next('ringing');
    await bob.next('offer');
    carol.send({ type: 'search', prefix: bobName });
    expect(await carol.next('search')).toMatchObject({ users: [bobName], busy: [bobName] });
    await carol.sync();
    expect(busyUpdates(carol)).toEqual([]);
  });
});
