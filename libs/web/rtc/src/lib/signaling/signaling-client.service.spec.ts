import { TestBed } from '@angular/core/testing';
import { Subject } from 'rxjs';
import { settle } from '../../testing/fake-rtc';
import { FakeWebSocket } from '../../testing/fake-web-socket';
import { ADMISSION_CHECK } from './admission';
import { TAB_STORAGE } from '../media/preference-storage';
import { AUTH_TOKEN_SOURCE } from './auth-token';
import { AUTH_TOKEN_RENEWALS } from './sign-in-flow';
import { AdmissionVerdict, RECONNECT_POLICY } from '../recovery/reconnect-policy';
import { SIGNALING_URL, WEB_SOCKET_FACTORY, signalingUrlFor } from '../media/rtc-environment';
import { ConnectionState, SignalingClient, TAB_SESSION_KEY } from './signaling-client.service';

const policy = { firstRetryJitterMs: 100, initialDelayMs: 100, maxDelayMs: 1_000, inCallMaxDelayMs: 400, overloadedDelayMs: 5_000, maxOverloadedDelayMs: 60_000 };

describe(SignalingClient.name, () => {
  let client: SignalingClient;
  let states: ConnectionState[];
  let verdict: AdmissionVerdict;
  let admissionAsked: (string | null)[];
  let tokens: string[];
  /** The tab's sessionStorage; a test that "reloads" sets up a second client over the same one. */
  let tab: Map<string, string>;
  /** What the sign-in flow renews while signed in (OIDC). */
  let renewals: Subject<string>;

  function setUp(): SignalingClient {
    FakeWebSocket.instances = [];
    TestBed.configureTestingModule({
      providers: [
        { provide: SIGNALING_URL, useValue: 'ws://duet.test/ws' },
        {
          provide: WEB_SOCKET_FACTORY,
          useValue: (url: string, protocols?: string[]) => new FakeWebSocket(url, protocols) as unknown as WebSocket,
        },
        { provide: RECONNECT_POLICY, useValue: policy },
        {
          provide: TAB_STORAGE,
          useValue: {
            getItem: (key: string) => tab.get(key) ?? null,
            setItem: (key: string, value: string) => tab.set(key, value),
            removeItem: (key: string) => tab.delete(key),
          },
        },
        { provide: AUTH_TOKEN_SOURCE, useValue: async () => tokens.shift() ?? null },
        { provide: AUTH_TOKEN_RENEWALS, useValue: renewals },
        {
          provide: ADMISSION_CHECK,
          useValue: async (token: string | null) => {
            admissionAsked.push(token);
            return verdict;
          },
        },
      ],
    });
    return TestBed.inject(SignalingClient);
  }

  /** The socket the client opens next (it first awaits its token). */
  async function nextSocket(): Promise<FakeWebSocket> {
    const before = FakeWebSocket.instances.length;
    await settle();
    if (FakeWebSocket.instances.length === before) throw new Error('no new socket was opened');
    return FakeWebSocket.latest();
  }

  async function loggedIn(name = 'alice', resumeToken = 'token-1'): Promise<FakeWebSocket> {
    client.logIn(name);
    const socket = await nextSocket();
    socket.acceptConnection();
    socket.deliver({ type: 'login', success: true, username: name, iceServers: [], resumeToken, resumeWindowMs: 30_000, resumed: false });
    socket.sent.length = 0;
    return socket;
  }

  /** Advances fake time until the client opens another socket; returns how long that took. */
  async function waitForNextSocket(): Promise<number> {
    const before = FakeWebSocket.instances.length;
    // The admission check runs first; the retry is armed once it has answered.
    await settle();
    let waited = 0;
    while (FakeWebSocket.instances.length === before) {
      if (waited > 120_000) throw new Error('no reconnect within 120 s');
      jest.advanceTimersByTime(10);
      await settle();
      waited += 10;
    }
    return waited;
  }

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Math, 'random').mockReturnValue(1);
    verdict = { kind: 'unreachable' };
    admissionAsked = [];
    tokens = [];
    tab = new Map();
    renewals = new Subject<string>();
    client = setUp();
    states = [];
    client.connectionState$.subscribe((state) => states.push(state));
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('keeps the newest resume token in the tab, so a reloaded page resumes with it under the same name only', async () => {
    await loggedIn('Alice', 'token-1');
    expect(JSON.parse(tab.get(TAB_SESSION_KEY) ?? '{}')).toEqual({ username: 'Alice', token: 'token-1' });

    // The reload: a new page in the same tab, with the tab's storage as the old page left it (a
    // reload destroys no Angular app; TestBed's reset does, and its clean close ends the session).
    const leftBehind = new Map(tab);
    TestBed.resetTestingModule();
    tab = leftBehind;
    client = setUp();
    client.logIn('alice');
    const again = await nextSocket();
    again.acceptConnection();
    expect(again.messages()).toEqual([{ type: 'login', username: 'alice', resume: true, resumeToken: 'token-1' }]);

    TestBed.resetTestingModule();
    client = setUp();
    client.logIn('carol');
    const other = await nextSocket();
    other.acceptConnection();
    expect(other.messages()).toEqual([{ type: 'login', username: 'carol', resume: true }]);
    // Logging out forgets it.
    client.disconnect();
    expect(tab.has(TAB_SESSION_KEY)).toBe(false);
  });

  it('derives ws: or wss: from the page protocol, on the page host, at /ws', () => {
    expect(signalingUrlFor({ protocol: 'http:', host: 'localhost:3000' })).toBe('ws://localhost:3000/ws');
    expect(signalingUrlFor({ protocol: 'https:', host: 'duet.example' })).toBe('wss://duet.example/ws');
  });

  it('opens no socket by itself: an idle login page stays quiet', async () => {
    await settle();
    jest.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toEqual([]);
    expect(client.connectionState()).toBe('closed');
  });

  it('opens one socket to the signaling URL and reports connecting then open', async () => {
    client.connect();
    client.connect();
    const socket = await nextSocket();
    client.connect();
    await settle();
    expect(FakeWebSocket.instances.map((opened) => opened.url)).toEqual(['ws://duet.test/ws']);
    socket.acceptConnection();
    expect(states).toEqual(['closed', 'connecting', 'open']);
    expect(client.connectionState()).toBe('open');
  });

  it('hands each message type to its one owner, and refuses a second owner', async () => {
    const received: unknown[] = [];
    client.claim('presence').subscribe((message) => received.push(message));
    expect(() => client.claim('users', 'presence')).toThrow('"presence" already has an owner');
    expect(() => client.claim('login')).toThrow('"login" already has an owner');
    client.connect();
    const socket = await nextSocket();
    socket.acceptConnection();
    socket.deliver({ type: 'presence', username: 'bob', online: true });
    expect(received).toEqual([{ type: 'presence', username: 'bob', online: true }]);
  });

  it.each([
    ['not JSON', '{oops'],
    ['an unknown type', { type: 'hello' }],
    ['a relayed offer without a sender', { type: 'offer', offer: { type: 'offer', sdp: 'v=0' } }],
    ['a login result with a non-boolean success', { type: 'login', success: 'yes' }],
  ])('drops %s with a console warning', async (_label, frame) => {
    const received: unknown[] = [];
    client.claim('offer', 'presence').subscribe((message) => received.push(message));
    client.connect();
    const socket = await nextSocket();
    socket.acceptConnection();
    socket.deliver(frame);
    expect(received).toEqual([]);
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining('dropped an invalid frame'));
  });

  it('sends typed messages as JSON only while open', async () => {
    client.connect();
    const socket = await nextSocket();
    expect(client.send({ type: 'close', otherUsername: 'bob' })).toBe(false);
    socket.acceptConnection();
    expect(client.send({ type: 'close', otherUsername: 'bob' })).toBe(true);
    expect(socket.messages()).toEqual([{ type: 'close', otherUsername: 'bob' }]);
  });

  it('logs in once the socket opens and records the session the server confirms', async () => {
    client.logIn('alice');
    const socket = await nextSocket();
    expect(socket.sent).toEqual([]);
    socket.acceptConnection();
    expect(socket.messages()).toEqual([{ type: 'login', username: 'alice', resume: true }]);
    const iceServers = [{ urls: 'turn:turn.duet.test:3478', username: 'u', credential: 'c' }];
    expect(client.loginState()).toBe('logging-in');
    socket.deliver({ type: 'login', success: true, username: 'alice', iceServers, iceTransportPolicy: 'relay', resumeToken: 't' });
    expect(client.session()).toEqual({ username: 'alice', iceServers, iceTransportPolicy: 'relay', resumed: false, call: null });
    expect(client.loginState()).toBe('logged-in');
  });

  it('applies renewed ICE servers from `ice-servers` without announcing a new login', async () => {
    const socket = await loggedIn('alice', 'token-1');
    const sessions: unknown[] = [];
    client.session$.subscribe((session) => sessions.push(session));
    expect(client.iceConfiguration()).toEqual({ iceServers: [], iceTransportPolicy: 'all' });
    const renewed = [{ urls: 'turn:turn.duet.test:3478', username: '1700003600:alice', credential: 'fresh' }];
    socket.deliver({ type: 'ice-servers', iceServers: renewed, iceTransportPolicy: 'relay' });
    expect(client.iceConfiguration()).toEqual({ iceServers: renewed, iceTransportPolicy: 'relay' });
    // A renewal is not a login: the call engine must not treat it as one.
    expect(sessions).toHaveLength(1);
    expect(() => client.claim('ice-servers')).toThrow('already has an owner');

    client.disconnect();
    expect(client.iceConfiguration()).toBeNull();
  });

  it('after a drop, logs in again with the last name, the newest resume token and the call it is in', async () => {
    client.setCallClaimSource(() => ({ callId: 'call-7', otherUsername: 'bob' }));
    const first = await loggedIn('Alice', 'token-1');
    first.deliver({ type: 'login', success: true, username: 'Alice', iceServers: [], resumeToken: 'token-2' });

    first.drop();
    expect(client.connectionState()).toBe('reconnecting');
    expect(client.problem()).toEqual({ kind: 'unreachable' });
    expect(client.session()?.username).toBe('Alice');
    jest.advanceTimersByTime(policy.initialDelayMs);
    const second = await nextSocket();
    second.acceptConnection();

    expect(states).toEqual(['closed', 'connecting', 'open', 'reconnecting', 'open']);
    // The server's spelling of the name, as confirmed at the last login.
    expect(second.messages()).toEqual([
      { type: 'login', username: 'Alice', resume: true, resumeToken: 'token-2', call: { callId: 'call-7', otherUsername: 'bob' } },
    ]);
    expect(client.problem()).toBeNull();
    second.deliver({
      type: 'login',
      success: true,
      username: 'Alice',
      iceServers: [],
      resumeToken: 'token-3',
      resumed: true,
      call: { callId: 'call-7', otherUsername: 'bob', state: 'active' },
    });
    expect(client.session()).toMatchObject({ resumed: true, call: { callId: 'call-7', otherUsername: 'bob', state: 'active' } });
  });

  it('does not log in again with a name the server refused', async () => {
    client.logIn('alice');
    const first = await nextSocket();
    first.acceptConnection();
    const failures: unknown[] = [];
    client.loginFailures$.subscribe((failure) => failures.push(failure.reason));
    first.deliver({ type: 'login', success: false, reason: 'taken', message: 'taken' });
    expect(client.session()).toBeNull();
    expect(client.loginState()).toBe('logged-out');
    expect(failures).toEqual(['taken']);
    first.drop();
    await waitForNextSocket();
    FakeWebSocket.latest().acceptConnection();
    expect(FakeWebSocket.latest().sent).toEqual([]);
  });

  it('closes quietly when the server ends a socket nobody logged in on: no banner, no reconnect', async () => {
    client.logIn('alice');
    const socket = await nextSocket();
    socket.acceptConnection();
    socket.deliver({ type: 'login', success: false, reason: 'taken', message: 'taken' });
    socket.closeWith(1008);
    await settle();
    jest.advanceTimersByTime(60_000);
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(client.connectionState()).toBe('closed');
    expect(client.problem()).toBeNull();
    expect(admissionAsked).toEqual([]);
  });

  it('tries again at once plus jitter, then backs off exponentially while the server is unreachable, and starts over after a success', async () => {
    client.logIn('alice');
    const waits: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const socket = attempt === 0 ? await nextSocket() : FakeWebSocket.latest();
      socket.drop();
      waits.push(await waitForNextSocket());
    }
    // Math.random is 1: the whole first-retry jitter, then the backoff from its first step.
    expect(waits).toEqual([100, 100, 200, 400, 800, 1_000]);
    expect(admissionAsked).toHaveLength(6);
    expect(client.connectionState()).toBe('reconnecting');
    // Still waiting to log in: the button keeps saying so, and the login goes out once through.
    expect(client.loginState()).toBe('logging-in');

    FakeWebSocket.latest().acceptConnection();
    expect(FakeWebSocket.latest().messages()).toEqual([{ type: 'login', username: 'alice', resume: true }]);
    FakeWebSocket.latest().drop();
    expect(await waitForNextSocket()).toBe(100);
  });

  it('reconnects at once plus jitter when the server shuts down (1001): its clients do not all come back in one instant', async () => {
    const socket = await loggedIn();
    const before = FakeWebSocket.instances.length;
    socket.closeWith(1001);
    await settle();
    // Math.random is 1: the whole jitter.
    jest.advanceTimersByTime(policy.firstRetryJitterMs - 1);
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(before);
    jest.advanceTimersByTime(1);
    const again = await nextSocket();
    again.acceptConnection();
    expect(again.messages()).toEqual([{ type: 'login', username: 'alice', resume: true, resumeToken: 'token-1' }]);
  });

  it('fetches a fresh token and resumes at once when the server closes for an expired token (4401)', async () => {
    tokens = ['old.jwt', 'fresh.jwt'];
    const socket = await loggedIn();
    expect(socket.protocols).toEqual(['duet', 'access_token.old.jwt']);
    socket.closeWith(4401);
    await settle();
    jest.advanceTimersByTime(0);
    const again = await nextSocket();
    expect(again.protocols).toEqual(['duet', 'access_token.fresh.jwt']);
    again.acceptConnection();
    expect(again.messages()).toEqual([{ type: 'login', username: 'alice', resume: true, resumeToken: 'token-1' }]);
  });

  it('stops and says "sign in again" when the upgrade is refused with 401, and tries again on the next login', async () => {
    tokens = ['expired.jwt', 'renewed.jwt'];
    verdict = { kind: 'refused', status: 401 };
    client.logIn('alice');
    (await nextSocket()).drop();
    await settle();
    expect(admissionAsked).toEqual(['expired.jwt']);
    expect(client.connectionState()).toBe('refused');
    expect(client.problem()).toEqual({ kind: 'sign-in-required' });
    expect(client.loginState()).toBe('logged-out');
    jest.advanceTimersByTime(60_000);
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(1);
    // Never shown as an outage on the way.
    expect(states).toEqual(['closed', 'connecting', 'refused']);

    client.logIn('alice');
    const again = await nextSocket();
    expect(again.protocols).toEqual(['duet', 'access_token.renewed.jwt']);
    again.acceptConnection();
    expect(client.problem()).toBeNull();
  });

  it('stops when the origin is refused (403), keeping a logged-in session until the user acts', async () => {
    const socket = await loggedIn();
    socket.drop();
    verdict = { kind: 'refused', status: 403 };
    await waitForNextSocket();
    FakeWebSocket.latest().drop();
    await settle();
    expect(client.connectionState()).toBe('refused');
    expect(client.problem()).toEqual({ kind: 'origin-refused' });
    expect(client.session()?.username).toBe('alice');

    verdict = { kind: 'admitted' };
    client.retry();
    const again = await nextSocket();
    again.acceptConnection();
    expect(again.messages()).toEqual([{ type: 'login', username: 'alice', resume: true, resumeToken: 'token-1' }]);
  });

  it('backs off for seconds, and says so, when the server refuses for load (429, 503)', async () => {
    verdict = { kind: 'refused', status: 429 };
    client.logIn('alice');
    (await nextSocket()).drop();
    await settle();
    expect(client.problem()).toEqual({ kind: 'overloaded', status: 429, retryInMs: 5_000 });
    expect(await waitForNextSocket()).toBe(5_000);
    verdict = { kind: 'refused', status: 503 };
    FakeWebSocket.latest().drop();
    await settle();
    expect(client.problem()).toEqual({ kind: 'overloaded', status: 503, retryInMs: 10_000 });
  });

  it('stops for good on disconnect: closed, and no reconnect is scheduled', async () => {
    const socket = await loggedIn();
    await client.disconnect();
    expect(socket.closedWith).toBe(1000);
    expect(client.connectionState()).toBe('closed');
    expect(socket.readyState).toBe(3);
    jest.advanceTimersByTime(60_000);
    await settle();
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
  describe('as the identity the credentials carry', () => {
    it('logs in with no name and takes the name the server replies with', async () => {
      tokens = ['portal.jwt'];
      client.logInAsIdentity();
      const socket = await nextSocket();
      socket.acceptConnection();
      expect(socket.messages()).toEqual([{ type: 'login', resume: true }]);
      socket.deliver({ type: 'login', success: true, username: 'dana', iceServers: [], resumeToken: 'token-1' });
      expect(client.session()?.username).toBe('dana');
      expect(client.loginState()).toBe('logged-in');
    });

    it('logs in again with no name after a drop, with the newest resume token', async () => {
      client.logInAsIdentity();
      const first = await nextSocket();
      first.acceptConnection();
      first.deliver({ type: 'login', success: true, username: 'dana', iceServers: [], resumeToken: 'token-1' });
      first.drop();
      jest.advanceTimersByTime(policy.initialDelayMs);
      const second = await nextSocket();
      second.acceptConnection();
      expect(second.messages()).toEqual([{ type: 'login', resume: true, resumeToken: 'token-1' }]);
    });

    it("sends the tab's resume token on a reloaded page's name-less login, whoever it was for", async () => {
      tab.set(TAB_SESSION_KEY, JSON.stringify({ username: 'dana', token: 'kept-token' }));
      client.logInAsIdentity();
      const socket = await nextSocket();
      socket.acceptConnection();
      expect(socket.messages()).toEqual([{ type: 'login', resume: true, resumeToken: 'kept-token' }]);
    });

    it('after a refusal sends nothing by itself, and logs in with no name again when asked', async () => {
      client.logInAsIdentity();
      const socket = await nextSocket();
      socket.acceptConnection();
      socket.deliver({ type: 'login', success: false, reason: 'taken', message: 'dana is online already' });
      expect(client.loginState()).toBe('logged-out');
      socket.sent.length = 0;
      client.logInAsIdentity();
      expect(socket.messages()).toEqual([{ type: 'login', resume: true }]);
    });
  });

  describe('renewed tokens (AUTH_TOKEN_RENEWALS)', () => {
    it('sends each renewed token in-band while logged in, and keeps the session on either reply', async () => {
      const socket = await loggedIn();
      renewals.next('renewed.jwt.1');
      expect(socket.messages()).toEqual([{ type: 'token', token: 'renewed.jwt.1' }]);
      const sessions: unknown[] = [];
      client.session$.subscribe((session) => sessions.push(session));
      socket.deliver({ type: 'token', success: true, expiresAt: 1_900_000_000_000 });
      renewals.next('renewed.jwt.2');
      socket.deliver({ type: 'token', success: false, reason: 'invalid', message: 'the token expired' });
      expect(socket.messages()).toEqual([
        { type: 'token', token: 'renewed.jwt.1' },
        { type: 'token', token: 'renewed.jwt.2' },
      ]);
      // A reply is neither an invalid frame nor a reason to reconnect: only a debug line.
      expect(console.warn).not.toHaveBeenCalled();
      expect(console.debug).toHaveBeenCalledWith(expect.stringContaining('kept the old token (invalid)'));
      expect(sessions).toHaveLength(1);
      expect(client.connectionState()).toBe('open');
      expect(FakeWebSocket.instances).toHaveLength(1);
      expect(() => client.claim('token')).toThrow('"token" already has an owner');
    });

    it('sends a renewal that came before the login was accepted once it is, and none after log-out', async () => {
      client.logIn('alice');
      const socket = await nextSocket();
      socket.acceptConnection();
      renewals.next('early.jwt');
      expect(socket.messages()).toEqual([{ type: 'login', username: 'alice', resume: true }]);
      socket.deliver({ type: 'login', success: true, username: 'alice', iceServers: [], resumeToken: 't' });
      expect(socket.messages().at(-1)).toEqual({ type: 'token', token: 'early.jwt' });

      client.disconnect();
      renewals.next('late.jwt');
      expect(socket.messages().filter((message) => message['token'] === 'late.jwt')).toEqual([]);
    });

    it('does not send a renewal on a new socket before its re-login is accepted: the new socket fetched a fresh token', async () => {
      tokens = ['first.jwt', 'fresh.jwt'];
      const first = await loggedIn();
      first.drop();
      renewals.next('while.down.jwt');
      jest.advanceTimersByTime(policy.initialDelayMs);
      const second = await nextSocket();
      second.acceptConnection();
      renewals.next('before.relogin.jwt');
      expect(second.messages()).toEqual([{ type: 'login', username: 'alice', resume: true, resumeToken: 'token-1' }]);
      second.deliver({ type: 'login', success: true, username: 'alice', iceServers: [], resumeToken: 'token-2' });
      expect(second.messages().slice(1)).toEqual([{ type: 'token', token: 'before.relogin.jwt' }]);
    });
  });

  it('on disconnect, resolves once the closing handshake is done, or after 2 s when the server never answers', async () => {
    const socket = await loggedIn();
    // A link that died unnoticed: the close event comes only when the browser gives up.
    socket.close = () => undefined;
    let done = false;
    void client.disconnect().then(() => (done = true));
    jest.advanceTimersByTime(1_999);
    await settle();
    expect(done).toBe(false);
    jest.advanceTimersByTime(1);
    await settle();
    expect(done).toBe(true);
  });
});
