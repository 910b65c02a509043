import { Server, Socket, createConnection, createServer } from 'node:net';

/**
 * A loopback TCP relay to one port, so a test can break a network path for real: between a browser
 * page and the server (open the page at `proxy.baseUrl`), or between a server and Redis (give the
 * server `redis://127.0.0.1:<proxy.port>`). `cut()` destroys every connection through it (a
 * WebSocket dies without a close frame, exactly as on a lost network); `block()` also refuses new ones until `unblock()`: a network split that heals.
 */
export class TcpProxy {
  private readonly live = new Set<Socket>();
  private readonly server: Server;
  private blocked = false;

  private constructor(targetPort: number) {
    this.server = createServer((client) => this.relay(client, targetPort));
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await new Promise<void>((listening, failed) => {
      proxy.server.once('error', failed);
      proxy.server.listen(0, '127.0.0.1', () => listening());
    });
    return proxy;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Drops every connection on the spot: no FIN handshake from the peers' point of view, no close frame. */
  cut(): void {
    for (const socket of this.live) socket.destroy();
    this.live.clear();
  }

  /** The network is down: new connections fail at once (and `cut()` the ones that are up). */
  block(): void {
    this.blocked = true;
    this.cut();
  }

  unblock(): void {
    this.blocked = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((closed) => this.server.close(() => closed()));
  }

  private relay(client: Socket, targetPort: number): void {
    if (this.blocked) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.live.add(socket);
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.live.delete(socket);
        other.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
