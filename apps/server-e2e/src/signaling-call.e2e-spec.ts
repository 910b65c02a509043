import { ANSWER, CALL_ID, candidate, completeCall, OFFER } from './support/call-flow';
import { ClientPool } from './support/client-pool';
import { uniqueName } from './support/names';
import { TestClient } from './support/test-client';
import { startTestServer, TestServer } from './support/test-server';

describe('signaling: calls', () => {
  let server: TestServer;
  const pool = new ClientPool(() => server.wsUrl);
  const login = (prefix: string) => pool.login(prefix);

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => {
    pool.closeAll();
  });
  afterAll(async () => {
    await server.close();
  });

  it('completes a full call: offer, answer, candidates both ways, close', async () => {
    const [alice, aliceName] = await login('alice');
    const [bob, bobName] = await login('bob');
    await completeCall(alice, aliceName, bob, bobName);
    await Promise.all([alice.sync(), bob.sync()]);
    expect(server.registry.inspect().calls).toEqual([]);
    // Nothing beyond the call's own messages reached either side.
    expect(alice.callMessages().map((m) => m['type'])).toEqual(['login', 'ringing', 'answer', 'candidate', 'error']);
    expect(bob.callMessages().map((m) => m['type'])).toEqual(['login', 'offer', 'candidate', 'candidate', 'close', 'error']);
  });

  it("completes a call for a client that speaks only the tutorial's five messages", async () => {
    // The tutorial's client sends exactly these frames (its sendMessage adds otherUsername) and
    // reads only type, success, offer, answer, candidate and username.
    const alice = await TestClient.connect(server.wsUrl);
    const bob = await TestClient.connect(server.wsUrl);
    pool.track(alice);
    pool.track(bob);
    const [aliceName, bobName] = [uniqueName('tutorial-alice'), uniqueName('tutorial-bob')];
    alice.send(JSON.stringify({ type: 'login', username: aliceName }));
    expect(await alice.next('login')).toMatchObject({ type: 'login', success: true });
    bob.send(JSON.stringify({ type: 'login', username: bobName }));
    expect(await bob.next('login')).toMatchObject({ type: 'login', success: true });
    await completeCall(alice, aliceName, bob, bobName);
  });

  it('keeps two concurrent calls apart: no message crosses between them', async () => {
    const [a1, a1Name] = await login('a1');
    const [b1, b1Name] = await login('b1');
    const [a2, a2Name] = await login('a2');
    const [b2, b2Name] = await login('b2');
    await Promise.all([completeCall(a1, a1Name, b1, b1Name), completeCall(a2, a2Name, b2, b2Name)]);
    await Promise.all([a1, b1, a2, b2].map((client) => client.sync()));
    const senders = (client: TestClient) =>
      new Set(client.callMessages().flatMap((m) => (m['type'] === 'login' || m['type'] === 'error' ? [] : [m['username']])));
    expect(senders(a1)).toEqual(new Set([b1Name]));
    expect(senders(b1)).toEqual(new Set([a1Name]));
    expect(senders(a2)).toEqual(new Set([b2Name]));
    expect(senders(b2)).toEqual(new Set([a2Name]));
  });

  it('tells the caller when the callee is offline or unknown', async () => {
    const [alice] = await login('alice');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: 'nobody-here' });
    expect(await alice.next('error')).toEqual({
      type: 'error',
      code: 'user-offline',
      message: 'nobody-here is not online',
      replyTo: 'offer',
    });
    expect(server.registry.inspect().calls).toEqual([]);
  });

  it('refuses a call to oneself', async () => {
    const [alice, aliceName] = await login('alice');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: aliceName.toUpperCase() });
    expect(await alice.next('error')).toMatchObject({ code: 'self-call', replyTo: 'offer' });
  });

  it('reaches a user whatever the case of the name the caller typed', async () => {
    const [alice, aliceName] = await login('alice');
    const [bob, bobName] = await login('bob');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName.toUpperCase() });
    expect(await bob.next('offer')).toEqual({ type: 'offer', offer: OFFER, username: aliceName, callId: CALL_ID });
  });

  it('tells a caller that the callee is busy, and leaves the ongoing call untouched', async () => {
    const [alice, aliceName] = await login('alice');
    const [bob, bobName] = await login('bob');
    const [carol, carolName] = await login('carol');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    await bob.next('offer');
    bob.send({ type: 'answer', answer: ANSWER, otherUsername: aliceName });
    await alice.next('answer');

    carol.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    expect(await carol.next('decline')).toEqual({ type: 'decline', username: bobName, reason: 'busy' });

    // The call between alice and bob still relays.
    bob.send({ type: 'candidate', candidate: candidate(7), otherUsername: aliceName });
    expect(await alice.next('candidate')).toEqual({ type: 'candidate', candidate: candidate(7), username: bobName, callId: CALL_ID });
    await Promise.all([bob.sync(), carol.sync()]);
    expect(bob.log.some((m) => m['username'] === carolName && m['type'] !== 'presence')).toBe(false);
  });

  it('refuses a second call from someone already in a call', async () => {
    const [alice, aliceName] = await login('alice');
    const [bob, bobName] = await login('bob');
    const [carol, carolName] = await login('carol');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    await bob.next('offer');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: carolName });
    expect(await alice.next('error')).toMatchObject({ code: 'already-in-call', replyTo: 'offer' });
    await carol.sync();
    expect(carol.callMessages().some((m) => m['type'] === 'offer')).toBe(false);
    expect(server.registry.inspect().calls).toContainEqual({ caller: aliceName, callee: bobName, state: 'ringing' });
  });

  it('lets the callee decline; the caller is told and both are free again', async () => {
    const [alice, aliceName] = await login('alice');
    const [bob, bobName] = await login('bob');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    await bob.next('offer');
    bob.send({ type: 'decline', otherUsername: aliceName });
    expect(await alice.next('decline')).toEqual({ type: 'decline', username: bobName, reason: 'declined', callId: CALL_ID });
    await completeCall(bob, bobName, alice, aliceName);
  });

  it('lets the caller cancel a ringing call with close', async () => {
    const [alice, aliceName] = await login('alice');
    const [bob, bobName] = await login('bob');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    await bob.next('offer');
    alice.send({ type: 'close', otherUsername: bobName });
    expect(await bob.next('close')).toEqual({ type: 'close', username: aliceName, reason: 'hangup', callId: CALL_ID });
    bob.send({ type: 'answer', answer: ANSWER, otherUsername: aliceName });
    expect(await bob.next('error')).toMatchObject({ code: 'not-in-call', replyTo: 'answer' });
  });

  it('ends the call when a close names no peer (the tutorial may omit it)', async () => {
    const [alice] = await login('alice');
    const [bob, bobName] = await login('bob');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    await bob.next('offer');
    bob.send({ type: 'close' });
    expect(await alice.next('close')).toEqual({ type: 'close', username: bobName, reason: 'hangup', callId: CALL_ID });
  });

  it('relays renegotiation and glare offers between the two parties of a call', async () => {
    const [alice, aliceName] = await login('alice');
    const [bob, bobName] = await login('bob');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    bob.send({ type: 'offer', offer: OFFER, otherUsername: aliceName });
    expect(await bob.next('offer')).toMatchObject({ username: aliceName });
    expect(await alice.next('offer')).toMatchObject({ username: bobName });
    // Either side may answer (the polite one does); the call then is active.
    alice.send({ type: 'answer', answer: ANSWER, otherUsername: bobName });
    expect(await bob.next('answer')).toMatchObject({ username: aliceName });
    expect(server.registry.inspect().calls).toContainEqual({ caller: aliceName, callee: bobName, state: 'active' });
  });

  it('tells the peer when a caller closes its socket mid-call, and frees the name at once', async () => {
    const [alice, aliceName] = await login('alice');
    const [bob, bobName] = await login('bob');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    await bob.next('offer');
    bob.send({ type: 'answer', answer: ANSWER, otherUsername: aliceName });
    await alice.next('answer');

    alice.close();
    expect(await bob.next('close')).toEqual({ type: 'close', username: aliceName, reason: 'disconnected', callId: CALL_ID });
    expect(server.registry.inspect().calls).toEqual([]);
    expect(server.registry.inspect().users).not.toContain(aliceName);

    const aliceAgain = await TestClient.loggedIn(server.wsUrl, aliceName);
    pool.track(aliceAgain);
    await completeCall(aliceAgain, aliceName, bob, bobName);
  });

  it('tells the caller when the callee closes its socket while it rings', async () => {
    const [alice] = await login('alice');
    const [bob, bobName] = await login('bob');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    await bob.next('offer');
    bob.close();
    expect(await alice.next('close')).toEqual({ type: 'close', username: bobName, reason: 'disconnected', callId: CALL_ID });
    alice.send({ type: 'candidate', candidate: candidate(1), otherUsername: bobName });
    expect(await alice.next('error')).toMatchObject({ code: 'not-in-call', replyTo: 'candidate' });
  });
});
