import { IncomingMessage, Server, createServer, request } from 'node:http';
import { Duplex } from 'node:stream';
import { RawData, WebSocket, WebSocketServer } from 'ws';

type Message = Record<string, unknown>;

/**
 * A server-to-browser signaling message, parsed; return it (changed or not) to relay it, or null to
 * lose it. A promise holds it, and every later frame to that browser, until it settles.
 */
export type Rewrite = (message: Message) => Message | null | Promise<Message | null>;

/** Sees each browser-to-server message (parsed) as it passes, unchanged. */
export type Observe = (message: Message) => void;

/**
 * A test-only man in the middle of signaling: an HTTP server that relays the page and its assets
 * to the real server untouched, and terminates the page's WebSocket to open its own to the real
 * server, passing every frame through `rewrite` on the way to the browser. What a hostile or
 * compromised signaling server could do to the SDP, or a lossy path could do to any message, done
 * from outside it.
 * Open the page at `baseUrl` and everything it loads goes through here.
 */
export class SignalingMitm {
  private readonly server: Server;
  private readonly sockets = new Set<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true });

  private constructor(
    private readonly targetPort: number,
    private readonly rewrite: Rewrite,
    private readonly observeSent: Observe,
  ) {
    this.server = createServer((incoming, outgoing) => {
      const upstream = request(
        { host: '127.0.0.1', port: targetPort, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (response) => {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      incoming.pipe(upstream);
    });
    this.server.on('upgrade', (incoming: IncomingMessage, socket: Duplex, head: Buffer) => this.relaySocket(incoming, socket, head));
  }

  static async start(targetPort: number, rewrite: Rewrite, observeSent: Observe = () => undefined): Promise<SignalingMitm> {
    const mitm = new SignalingMitm(targetPort, rewrite, observeSent);
    await new Promise<void>((listening, failed) => {
      mitm.server.once('error', failed);
      mitm.server.listen(0, '127.0.0.1', () => listening());
    });
    return mitm;
  }

  get baseUrl(): string {
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((closed) => this.server.close(() => closed()));
  }

  private relaySocket(incoming: IncomingMessage, socket: Duplex, head: Buffer): void {
    const protocol = incoming.headers['sec-websocket-protocol'];
    const upstream = new WebSocket(`ws://127.0.0.1:${this.targetPort}${incoming.url ?? '/ws'}`, protocol?.split(/\s*,\s*/), {
      headers: { origin: incoming.headers.origin ?? '' },
    });
    this.sockets.add(upstream);
    upstream.once('error', () => socket.destroy());
    upstream.once('open', () => {
      this.wss.handleUpgrade(incoming, socket, head, (browser) => {
        this.sockets.add(browser);
        browser.on('message', (data: RawData, isBinary: boolean) => {
          if (!isBinary) this.observeSent(JSON.parse(data.toString()) as Message);
          upstream.send(data, { binary: isBinary });
        });
        // In order: a frame held by `rewrite` holds the ones after it.
        let relaying = Promise.resolve();
        upstream.on('message', (data: RawData, isBinary: boolean) => {
          relaying = relaying.then(async () => {
            if (isBinary) return browser.send(data, { binary: true });
            const relayed = await this.rewrite(JSON.parse(data.toString()) as Message);
            if (relayed && browser.readyState === WebSocket.OPEN) browser.send(JSON.stringify(relayed));
          });
        });
        const closeBoth = () => {
          browser.terminate();
          upstream.terminate();
          this.sockets.delete(browser);
          this.sockets.delete(upstream);
        };
        browser.on('close', closeBoth);
        upstream.on('close', closeBoth);
        browser.on('error', closeBoth);
      });
    });
  }
}

/** Replaces the first hex byte of every `a=fingerprint` of an SDP: the certificate a middleman would present. */
export function forgeFingerprints(sdp: string): string {
  return sdp.replace(/^(a=fingerprint:\S+ )([0-9A-Fa-f]{2})/gm, (_line, prefix: string, first: string) => {
    const forged = ((parseInt(first, 16) + 1) % 256).toString(16).toUpperCase().padStart(2, '0');
    return `${prefix}${forged}`;
  });
}

/** Removes every `a=candidate` line of an SDP: as if none had been gathered when it was sent. */
export function stripCandidates(sdp: string): string {
  return sdp.replace(/^a=candidate:.*\r?\n/gm, '');
}
