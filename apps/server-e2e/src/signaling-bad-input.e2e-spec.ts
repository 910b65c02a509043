import { ANSWER, CALL_ID, candidate, completeCall, OFFER } from './support/call-flow';
import { ClientPool } from './support/client-pool';
import { uniqueName } from './support/names';
import { TestClient } from './support/test-client';
import { startTestServer, TestServer } from './support/test-server';

const MAX_PAYLOAD = 4_096;

describe('signaling: bad input', () => {
  let server: TestServer;
  const pool = new ClientPool(() => server.wsUrl);
  const login = (prefix: string) => pool.login(prefix);
  /** The server still serves a fresh pair a whole call. */
  const freshCallCompletes = async () => {
    const [alice, aliceName] = await login('fresh-alice');
    const [bob, bobName] = await login('fresh-bob');
    await completeCall(alice, aliceName, bob, bobName);
  };

  beforeAll(async () => {
    server = await startTestServer({ limits: { maxPayloadBytes: MAX_PAYLOAD } });
  });
  afterEach(() => {
    pool.closeAll();
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['text that is not JSON', '{"type": "login"', 'invalid-json'],
    ['an empty frame', '', 'invalid-json'],
    ['a binary frame', Buffer.from([0x7b, 0x7d]), 'binary-frame'],
    ['a JSON array', '[{"type":"login"}]', 'invalid-message'],
    ['a JSON number', '42', 'invalid-message'],
    ['JSON null', 'null', 'invalid-message'],
    ['an object with no type', '{"otherUsername":"x"}', 'invalid-message'],
    ['a type that is not a string', '{"type":["offer"]}', 'invalid-message'],
    ['an unknown type', '{"type":"subscribe"}', 'unknown-type'],
    ['an Object.prototype key as type', '{"type":"constructor"}', 'unknown-type'],
    ['the internal violation event as type', '{"type":"protocol-violation"}', 'unknown-type'],
    ['an offer without SDP', '{"type":"offer","otherUsername":"x"}', 'invalid-message'],
    ['an offer with SDP of the wrong type', '{"type":"offer","offer":"sdp","otherUsername":"x"}', 'invalid-message'],
    ['an answer with a numeric target', '{"type":"answer","answer":{"type":"answer","sdp":""},"otherUsername":1}', 'invalid-message'],
    ['a candidate that is null', '{"type":"candidate","candidate":null,"otherUsername":"x"}', 'invalid-message'],
    ['a close with an object target', '{"type":"close","otherUsername":{"__proto__":{}}}', 'invalid-message'],
    ['a decline with an unknown reason', '{"type":"decline","otherUsername":"x","reason":"nope"}', 'invalid-message'],
  ])('answers %s with an %s error, keeps the socket and the user, and still serves calls', async (_label, frame, code) => {
    const [client, name] = await login('sender');
    client.send(frame);
    const reply = await client.next('error');
    expect(reply['code']).toBe(code);
    expect(typeof reply['message']).toBe('string');
    expect(client.isOpen).toBe(true);
    expect(server.registry.inspect().users).toContain(name);
    await freshCallCompletes();
  });

  it('answers a malformed frame before login too, and still lets the socket log in', async () => {
    const client = await TestClient.connect(server.wsUrl);
    pool.track(client);
    client.send('garbage');
    expect(await client.next('error')).toMatchObject({ code: 'invalid-json' });
    client.send({ type: 'login', username: uniqueName('late') });
    expect(await client.next('login')).toMatchObject({ success: true });
  });

  it.each([
    ['offer', { type: 'offer', offer: OFFER, otherUsername: 'someone' }],
    ['answer', { type: 'answer', answer: ANSWER, otherUsername: 'someone' }],
    ['candidate', { type: 'candidate', candidate: candidate(1), otherUsername: 'someone' }],
    ['close', { type: 'close', otherUsername: 'someone' }],
    ['decline', { type: 'decline', otherUsername: 'someone' }],
  ])('refuses %s before login with not-logged-in', async (type, message) => {
    const client = await TestClient.connect(server.wsUrl);
    pool.track(client);
    client.send(message);
    expect(await client.next('error')).toMatchObject({ code: 'not-logged-in', replyTo: type });
  });

  it("survives the seed's crash: a close outside any call gets not-in-call", async () => {
    const [client] = await login('lonely');
    client.send({ type: 'close' });
    expect(await client.next('error')).toMatchObject({ code: 'not-in-call', replyTo: 'close' });
    client.send({ type: 'close', otherUsername: 'ghost' });
    expect(await client.next('error')).toMatchObject({ code: 'not-in-call', replyTo: 'close' });
    await freshCallCompletes();
  });

  it('never lets an outsider reach into a call: answer, candidate, close and decline are refused', async () => {
    const [alice, aliceName] = await login('alice');
    const [bob, bobName] = await login('bob');
    const [mallory] = await login('mallory');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    await bob.next('offer');

    mallory.send({ type: 'answer', answer: ANSWER, otherUsername: aliceName });
    mallory.send({ type: 'candidate', candidate: candidate(9), otherUsername: bobName });
    mallory.send({ type: 'close', otherUsername: aliceName });
    mallory.send({ type: 'decline', otherUsername: aliceName });
    for (const replyTo of ['answer', 'candidate', 'close', 'decline']) {
      expect(await mallory.next('error')).toMatchObject({ code: 'not-in-call', replyTo });
    }
    // The caller cannot decline its own call either: only the callee can.
    alice.send({ type: 'decline', otherUsername: bobName });
    expect(await alice.next('error')).toMatchObject({ code: 'not-in-call', replyTo: 'decline' });

    await Promise.all([alice.sync(), bob.sync()]);
    const fromMallory = (client: TestClient) =>
      client.callMessages().filter((m) => m['type'] !== 'error' && m['username'] !== undefined && m['username'] !== aliceName && m['username'] !== bobName);
    expect(fromMallory(alice)).toEqual([]);
    expect(fromMallory(bob)).toEqual([]);
    expect(server.registry.inspect().calls).toContainEqual({ caller: aliceName, callee: bobName, state: 'ringing' });
  });

  it('names the real sender on relayed messages, whatever the sender claims', async () => {
    const [alice, aliceName] = await login('alice');
    const [bob, bobName] = await login('bob');
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName, username: 'the-ceo' });
    expect(await bob.next('offer')).toEqual({ type: 'offer', offer: OFFER, username: aliceName, callId: CALL_ID });
  });

  it('closes a socket that sends a frame over the payload cap with 1009, and keeps serving others', async () => {
    const [client, name] = await login('big');
    client.send(JSON.stringify({ type: 'offer', offer: { type: 'offer', sdp: 'a'.repeat(MAX_PAYLOAD) }, otherUsername: 'x' }));
    expect((await client.closed).code).toBe(1009);
    for (let attempt = 0; attempt < 20 && server.registry.inspect().users.includes(name); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(server.registry.inspect().users).not.toContain(name);
    await freshCallCompletes();
  });

  it('answers every one of a burst of mixed frames, in order, with exactly one reply each', async () => {
    const [client] = await login('burst');
    const frames = ['x', '{}', '{"type":"nope"}', '{"type":"close"}', '[]'];
    frames.forEach((frame) => client.send(frame));
    const codes = [];
    for (let i = 0; i < frames.length; i++) codes.push((await client.next('error'))['code']);
    expect(codes).toEqual(['invalid-json', 'invalid-message', 'unknown-type', 'not-in-call', 'invalid-message']);
    await client.sync();
    expect(client.log.filter((m) => m['type'] === 'error')).toHaveLength(frames.length + 1);
  });
});
