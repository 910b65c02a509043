import { uniqueName } from './support/names';
import { TestClient } from './support/test-client';
import { startTestServer, TestServer } from './support/test-server';

describe('signaling: login and presence', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const connect = async () => {
    const client = await TestClient.connect(server.wsUrl);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startTestServer({
      ice: { servers: [{ urls: 'turn:turn.example.test:3478', username: 'u', credential: 'c' }], turn: undefined, transportPolicy: 'all' },
    });
  });
  afterEach(() => {
    clients.splice(0).forEach((client) => client.close());
  });
  afterAll(async () => {
    await server.close();
  });

  it("replies success with the name and the operator's ICE servers", async () => {
    const client = await connect();
    const name = uniqueName('alice');
    client.send({ type: 'login', username: name });
    expect(await client.next('login')).toEqual({
      type: 'login',
      success: true,
      username: name,
      iceServers: [{ urls: 'turn:turn.example.test:3478', username: 'u', credential: 'c' }],
      iceTransportPolicy: 'all',
      resumed: false,
    });
  });

  it('adds a resume token, the resume window and the ring timeout for a client that opts in to resume', async () => {
    const client = await connect();
    client.send({ type: 'login', username: uniqueName('alice'), resume: true });
    expect(await client.next('login')).toMatchObject({
      success: true,
      resumeToken: expect.stringMatching(/^[\w-]{22}$/),
      resumeWindowMs: 30_000,
      ringTimeoutMs: 30_000,
      resumed: false,
    });
  });

  it('refuses a name already taken, in any letter case, and keeps the holder', async () => {
    const name = uniqueName('bob');
    const holder = await TestClient.loggedIn(server.wsUrl, name);
    clients.push(holder);
    const intruder = await connect();
    intruder.send({ type: 'login', username: name.toUpperCase() });
    expect(await intruder.next('login')).toEqual({
      type: 'login',
      success: false,
      reason: 'taken',
      message: `${name.toUpperCase()} is taken`,
    });
    expect(intruder.isOpen).toBe(true);
    expect(server.registry.inspect().users).toContain(name);
    // The intruder may pick another name on the same socket.
    intruder.send({ type: 'login', username: uniqueName('bob') });
    expect(await intruder.next('login')).toMatchObject({ success: true });
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(65)],
    ['with a space', 'a b'],
    ['with a look-alike Cyrillic letter', 'аlice'],
    ['a prototype key', '__proto__'],
    ['not a string', 42],
  ])('refuses an invalid name (%s) with success:false and reason invalid', async (_label, username) => {
    const client = await connect();
    client.send({ type: 'login', username });
    const reply = await client.next('login');
    expect(reply).toMatchObject({ type: 'login', success: false, reason: 'invalid' });
    expect(reply['message']).toMatch(/username/);
    expect(client.isOpen).toBe(true);
  });

  it('answers a second login on the same socket with an error and keeps the first name', async () => {
    const name = uniqueName('carol');
    const client = await TestClient.loggedIn(server.wsUrl, name);
    clients.push(client);
    client.send({ type: 'login', username: uniqueName('other') });
    expect(await client.next('error')).toEqual({
      type: 'error',
      code: 'already-logged-in',
      message: `already logged in as ${name}`,
      replyTo: 'login',
    });
    expect(server.registry.inspect().users).toContain(name);
  });

  it('frees a name as soon as its socket closes', async () => {
    const name = uniqueName('dave');
    const first = await TestClient.loggedIn(server.wsUrl, name);
    first.close();
    await first.closed;
    // The close is handled asynchronously; the next login may race it only by a tick.
    for (let attempt = 0; attempt < 20 && server.registry.inspect().users.includes(name); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const second = await TestClient.loggedIn(server.wsUrl, name);
    clients.push(second);
    expect(server.registry.inspect().users.filter((user) => user === name)).toHaveLength(1);
  });

  it('sends the list of online users after login, then who comes and goes', async () => {
    const [aliceName, bobName] = [uniqueName('alice'), uniqueName('bob')];
    const alice = await connect();
    alice.send({ type: 'login', username: aliceName });
    await alice.next('login');
    const list = await alice.next('users');
    expect(list['users']).toContain(aliceName);
    expect(list['total']).toBe(list['users'].length);
    expect(list['truncated']).toBe(false);

    const bob = await TestClient.loggedIn(server.wsUrl, bobName);
    expect(await alice.next('presence')).toEqual({ type: 'presence', username: bobName, online: true });
    bob.close();
    expect(await alice.next('presence')).toEqual({ type: 'presence', username: bobName, online: false });
  });
});

describe('signaling: presence past PRESENCE_LIMIT', () => {
  let server: TestServer;
  afterAll(async () => {
    await server.close();
  });

  it('caps the list and stops pushing updates, so one login never costs work per online user', async () => {
    server = await startTestServer({ presenceLimit: 2 });
    const first = await TestClient.loggedIn(server.wsUrl, 'first');
    const second = await TestClient.loggedIn(server.wsUrl, 'second');
    expect(await first.next('presence')).toMatchObject({ username: 'second', online: true });

    const third = await TestClient.connect(server.wsUrl);
    third.send({ type: 'login', username: 'third' });
    await third.next('login');
    expect(await third.next('users')).toEqual({ type: 'users', users: ['first', 'second'], total: 3, truncated: true });
    await Promise.all([first.sync(), second.sync()]);
    expect(first.log.some((m) => m['username'] === 'third')).toBe(false);
    expect(second.log.some((m) => m['username'] === 'third')).toBe(false);
    [first, second, third].forEach((client) => client.close());
  });
});

describe('signaling: the operator\'s video cap (MAX_VIDEO_BITRATE_KBPS)', () => {
  let server: TestServer;
  afterAll(async () => {
    await server.close();
  });

  it('hands the cap to every login, fresh or resumed, for the browser\'s video sender', async () => {
    server = await startTestServer({ maxVideoBitrateKbps: 300 });
    const name = uniqueName('capped');
    const client = await TestClient.connect(server.wsUrl);
    client.send({ type: 'login', username: name, resume: true });
    const login = await client.next('login');
    expect(login).toMatchObject({ success: true, username: name, maxVideoBitrateKbps: 300, resumed: false });

    client.terminate(); // dropped, not logged out: the session is held for its resume token
    const again = await TestClient.connect(server.wsUrl);
    again.send({ type: 'login', username: name, resumeToken: login['resumeToken'] });
    expect(await again.next('login')).toMatchObject({ success: true, maxVideoBitrateKbps: 300, resumed: true });
    again.close();
  });
});
