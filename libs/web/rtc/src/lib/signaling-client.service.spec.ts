import { TestBed } from '@angular/core/testing';
import { FakeWebSocket } from '../testing/fake-web-socket';
import { SIGNALING_URL, WEB_SOCKET_FACTORY, signalingUrlFor } from './rtc-environment';
import { ConnectionState, RECONNECT_POLICY, SignalingClient, reconnectDelayMs } from './signaling-client.service';

const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };

function setUp(): SignalingClient {
  FakeWebSocket.instances = [];
  TestBed.configureTestingModule({
    providers: [
      { provide: SIGNALING_URL, useValue: 'ws://duet.test/ws' },
      { provide: WEB_SOCKET_FACTORY, useValue: (url: string) => new FakeWebSocket(url) as unknown as WebSocket },
      { provide: RECONNECT_POLICY, useValue: policy },
    ],
  });
  return TestBed.inject(SignalingClient);
}

describe(SignalingClient.name, () => {
  let client: SignalingClient;
  let states: ConnectionState[];

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    client = setUp();
    states = [];
    client.connectionState$.subscribe((state) => states.push(state));
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('derives ws: or wss: from the page protocol, on the page host, at /ws', () => {
    expect(signalingUrlFor({ protocol: 'http:', host: 'localhost:3000' })).toBe('ws://localhost:3000/ws');
    expect(signalingUrlFor({ protocol: 'https:', host: 'duet.example' })).toBe('wss://duet.example/ws');
  });

  it('opens one socket to the signaling URL and reports connecting then open', () => {
    client.connect();
    client.connect();
    expect(FakeWebSocket.instances.map((socket) => socket.url)).toEqual(['ws://duet.test/ws']);
    FakeWebSocket.latest().acceptConnection();
    expect(states).toEqual(['closed', 'connecting', 'open']);
    expect(client.connectionState()).toBe('open');
  });

  it('hands each message type to its one owner, and refuses a second owner', () => {
    const received: unknown[] = [];
    client.claim('presence').subscribe((message) => received.push(message));
    expect(() => client.claim('users', 'presence')).toThrow('"presence" already has an owner');
    expect(() => client.claim('login')).toThrow('"login" already has an owner');
    client.connect();
    FakeWebSocket.latest().acceptConnection();
    FakeWebSocket.latest().deliver({ type: 'presence', username: 'bob', online: true });
    expect(received).toEqual([{ type: 'presence', username: 'bob', online: true }]);
  });

  it.each([
    ['not JSON', '{oops'],
    ['an unknown type', { type: 'hello' }],
    ['a relayed offer without a sender', { type: 'offer', offer: { type: 'offer', sdp: 'v=0' } }],
    ['a login result with a non-boolean success', { type: 'login', success: 'yes' }],
  ])('drops %s with a console warning', (_label, frame) => {
    const received: unknown[] = [];
    client.claim('offer', 'presence').subscribe((message) => received.push(message));
    client.connect();
    FakeWebSocket.latest().acceptConnection();
    FakeWebSocket.latest().deliver(frame);
    expect(received).toEqual([]);
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining('dropped an invalid frame'));
  });

  it('sends typed messages as JSON only while open', () => {
    client.connect();
    expect(client.send({ type: 'close', otherUsername: 'bob' })).toBe(false);
    FakeWebSocket.latest().acceptConnection();
    expect(client.send({ type: 'close', otherUsername: 'bob' })).toBe(true);
    expect(FakeWebSocket.latest().messages()).toEqual([{ type: 'close', otherUsername: 'bob' }]);
  });

  it('logs in once the socket opens and records the session the server confirms', () => {
    client.logIn('alice');
    const socket = FakeWebSocket.latest();
    expect(socket.sent).toEqual([]);
    socket.acceptConnection();
    expect(socket.messages()).toEqual([{ type: 'login', username: 'alice' }]);
    const iceServers = [{ urls: 'stun:stun.duet.test:3478' }];
    expect(client.loginState()).toBe('logging-in');
    socket.deliver({ type: 'login', success: true, username: 'alice', iceServers });
    expect(client.session()).toEqual({ username: 'alice', iceServers });
    expect(client.loginState()).toBe('logged-in');
  });

  it('reconnects after a drop and logs in again with the last name, unprompted', () => {
    client.logIn('alice');
    const first = FakeWebSocket.latest();
    first.acceptConnection();
    first.deliver({ type: 'login', success: true, username: 'Alice', iceServers: [] });

    first.drop();
    expect(client.connectionState()).toBe('reconnecting');
    jest.advanceTimersByTime(policy.initialDelayMs);
    const second = FakeWebSocket.latest();
    expect(second).not.toBe(first);
    second.acceptConnection();

    expect(states).toEqual(['closed', 'connecting', 'open', 'reconnecting', 'open']);
    // The server's spelling of the name, as confirmed at the first login.
    expect(second.messages()).toEqual([{ type: 'login', username: 'Alice' }]);
    expect(client.session()?.username).toBe('Alice');
  });

  it('does not log in again with a name the server refused', () => {
    client.logIn('alice');
    const first = FakeWebSocket.latest();
    first.acceptConnection();
    const failures: unknown[] = [];
    client.loginFailures$.subscribe((failure) => failures.push(failure.reason));
    first.deliver({ type: 'login', success: false, reason: 'taken', message: 'taken' });
    expect(client.session()).toBeNull();
    expect(client.loginState()).toBe('logged-out');
    expect(failures).toEqual(['taken']);
    first.drop();
    jest.advanceTimersByTime(policy.maxDelayMs);
    FakeWebSocket.latest().acceptConnection();
    expect(FakeWebSocket.latest().sent).toEqual([]);
  });

  it('backs off exponentially between failed attempts, then resets after a success', () => {
    jest.spyOn(Math, 'random').mockReturnValue(1);
    client.connect();
    const waits: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const socket = FakeWebSocket.latest();
      socket.drop();
      const before = FakeWebSocket.instances.length;
      let waited = 0;
      while (FakeWebSocket.instances.length === before) {
        jest.advanceTimersByTime(10);
        waited += 10;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([100, 200, 400, 800, 1_000, 1_000]);

    FakeWebSocket.latest().acceptConnection();
    FakeWebSocket.latest().drop();
    jest.advanceTimersByTime(99);
    const count = FakeWebSocket.instances.length;
    jest.advanceTimersByTime(1);
    expect(FakeWebSocket.instances.length).toBe(count + 1);
  });

  it('jitters each delay within the upper half of its ceiling', () => {
    expect(reconnectDelayMs(0, policy, () => 0)).toBe(50);
    expect(reconnectDelayMs(0, policy, () => 1)).toBe(100);
    expect(reconnectDelayMs(2, policy, () => 0.5)).toBe(300);
    expect(reconnectDelayMs(30, policy, () => 1)).toBe(1_000);
  });

  it('stops for good on disconnect: closed, and no reconnect is scheduled', () => {
    client.logIn('alice');
    const socket = FakeWebSocket.latest();
    socket.acceptConnection();
    client.disconnect();
    expect(client.connectionState()).toBe('closed');
    expect(socket.readyState).toBe(3);
    jest.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});
