/** A WebSocket stand-in the test drives from the "server" side. Unit tier only. */
export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];

  static latest(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (!socket) throw new Error('no socket was created');
    return socket;
  }

  readyState = 0;
  /** The code the client closed with (close()), if it did. */
  closedWith: number | null = null;
  readonly sent: string[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocols?: string[],
  ) {
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(data);
  }

  /** The client closes: the closing handshake completes at once. */
  close(code = 1005): void {
    this.closedWith = code;
    this.closeWith(code);
  }

  /** What the client sent, parsed. */
  messages(): Record<string, unknown>[] {
    return this.sent.map((frame) => JSON.parse(frame));
  }

  acceptConnection(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  deliver(message: unknown): void {
    const data = typeof message === 'string' ? message : JSON.stringify(message);
    this.onmessage?.({ data } as MessageEvent);
  }

  /** The connection died without a closing handshake, or never opened (a refused upgrade looks the same). */
  drop(): void {
    this.closeWith(1006);
  }

  /** The server closed the socket with `code`. */
  closeWith(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
}
