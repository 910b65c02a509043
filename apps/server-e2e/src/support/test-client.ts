import { WebSocket } from 'ws';

// Inbound messages are checked field by field in the tests; `any` keeps those checks short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Received = Record<string, any>;

const DEFAULT_TIMEOUT_MS = 3_000;

/**
 * A real `ws` client that records everything it receives, so a test can both await the message
 * it expects and, at the end, assert on everything that arrived (nothing foreign, nothing twice).
 */
export class TestClient {
  /** Every message received, in order. */
  readonly log: Received[] = [];
  private readonly unread: Received[] = [];
  private wake: (() => void) | undefined;
  private readonly logWatchers = new Set<() => void>();
  /** Heartbeat pings received from the server. */
  pings = 0;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      const message = JSON.parse(isBinary ? '{"type":"<binary>"}' : data.toString()) as Received;
      this.log.push(message);
      this.unread.push(message);
      this.wake?.();
      this.logWatchers.forEach((watch) => watch());
    });
    socket.on('ping', () => {
      this.pings += 1;
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused ("... 401"). */
  static connect(
    url: string,
    options: { protocols?: string[]; headers?: Record<string, string>; autoPong?: boolean; ca?: string; localAddress?: string } = {},
  ): Promise<TestClient> {
    const socket = new WebSocket(url, options.protocols ?? [], {
      headers: options.headers,
      autoPong: options.autoPong ?? true,
      ca: options.ca,
      localAddress: options.localAddress,
    });
    const client = new TestClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  /**
   * Connects and logs in; resolves after the `login` reply and the `users` list. `resume`: opt in
   * to resume, as the web app does (the tutorial's clients do not).
   */
  static async loggedIn(
    url: string,
    username: string,
    { resume, ...options }: Parameters<typeof TestClient.connect>[1] & { resume?: boolean } = {},
  ): Promise<TestClient> {
    const client = await TestClient.connect(url, options);
    client.send({ type: 'login', username, ...(resume && { resume }) });
    const reply = await client.next('login');
    if (reply['success'] !== true) throw new Error(`login ${username} failed: ${JSON.stringify(reply)}`);
    await client.next('users');
    return client;
  }

  /** The subprotocol the server chose ('' when none). */
  get protocol(): string {
    return this.socket.protocol;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(message: object | string | Buffer): void {
    if (Buffer.isBuffer(message)) this.socket.send(message, { binary: true });
    else this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first unread message of `type` (any type when omitted), waiting for it if need be. */
  next(type?: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Received> {
    return this.nextWhere((message) => type === undefined || message['type'] === type, type ?? 'message', timeoutMs);
  }

  /** Forgets unread messages of `type` (e.g. an earlier call's `ringing`), so the next wait sees only new ones. */
  skipUnread(type: string): void {
    for (let index = this.unread.length - 1; index >= 0; index--) {
      if (this.unread[index]['type'] === type) this.unread.splice(index, 1);
    }
  }

  /** The first unread message that `matches`, waiting for it if need be. */
  async nextWhere(matches: (message: Received) => boolean, what: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.unread.findIndex(matches);
      if (index >= 0) return this.unread.splice(index, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no ${what} within ${timeoutMs} ms; unread: ${JSON.stringify(this.unread)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Waits until a message logged at index `from` or later `matches` (leaves `next`'s unread queue alone). */
  loggedSince(from: number, matches: (message: Received) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const found = () => this.log.slice(from).some(matches);
    if (found()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const watch = () => {
        if (!found()) return;
        clearTimeout(timer);
        this.logWatchers.delete(watch);
        resolve();
      };
      const timer = setTimeout(() => {
        this.logWatchers.delete(watch);
        reject(new Error(`no matching message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.logWatchers.add(watch);
    });
  }

  /**
   * Waits until the server has handled everything this client sent so far: it answers an unknown
   * type with an error, and a session's messages are handled in order.
   */
  async sync(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    this.send({ type: 'sync-probe' });
    await this.nextWhere(
      (message) => message['type'] === 'error' && message['code'] === 'unknown-type' && message['replyTo'] === 'sync-probe',
      'reply to the sync probe',
      timeoutMs,
    );
  }

  /** Messages received, minus presence chatter and call reports' keys: what a call test cares about. */
  callMessages(): Received[] {
    return this.log.filter((message) => !['presence', 'users', 'call-report-key'].includes(message['type']));
  }

  /**
   * Stops reading from the TCP connection, like a client whose app hangs or whose link stalls:
   * whatever the server sends piles up in the kernel's buffers, then in the server's.
   */
  stopReading(): void {
    this.tcp().pause();
  }

  resumeReading(): void {
    this.tcp().resume();
  }

  /** A WebSocket ping; false once the socket is no longer open. */
  ping(data: Buffer): boolean {
    if (!this.isOpen) return false;
    this.socket.ping(data);
    return true;
  }

  /** One fragment of a text message (the message is never finished unless `fin`). */
  sendFragment(text: string, fin = false): void {
    this.socket.send(text, { fin, binary: false });
  }

  close(): void {
    this.socket.close();
  }

  private tcp(): { pause(): void; resume(): void } {
    // `ws` keeps its TCP socket as `_socket`; a test may reach it to play a stalled reader.
    return (this.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  }

  /** Drops the TCP connection without a closing handshake, like a crashed browser or lost Wi-Fi. */
  terminate(): void {
    this.socket.terminate();
  }
}
