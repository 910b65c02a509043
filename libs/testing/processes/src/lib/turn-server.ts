import { ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from './child';
import { freePort } from './free-port';

/** Debian's coturn (`apt-get install coturn`); `TURNSERVER_PATH` points elsewhere. */
function turnserverPath(): string {
  return process.env['TURNSERVER_PATH'] ?? '/usr/bin/turnserver';
}

/*
 * Relay ports: 40 blocks of 100 in 61000-64999, above Linux's ephemeral range (32768-60999), so no
 * browser socket or freePort() lands in a relay range. Jest runs two files at once (one per worker),
 * so each worker has its own lane of blocks (JEST_WORKER_ID mod 4) and a process moves to its lane's
 * next block for each coturn: two coturns of one run never share a block. The random start keeps
 * runs of other checkouts on the same machine mostly apart too (coturn skips a port in use anyway).
 */
const RELAY_BLOCKS_PER_LANE = 10;
const lane = Number(process.env['JEST_WORKER_ID'] ?? 1) % 4;
let relayBlock = Math.floor(Math.random() * RELAY_BLOCKS_PER_LANE);
function nextRelayBlock(): number {
  relayBlock = (relayBlock + 1) % RELAY_BLOCKS_PER_LANE;
  return 61_000 + (lane + 4 * relayBlock) * 100;
}

export interface TurnCredentials {
  urls: string;
  username: string;
  credential: string;
}

/**
 * A real coturn on loopback (the Debian package; TOOLCHAIN.md has the command line), with REST
 * credentials: username `<expiry>:<user>`, credential base64(HMAC-SHA1(secret, username)).
 * `crash()` SIGKILLs it and `start()` brings it back on the same port: every relay allocation is
 * gone, as when a TURN server dies and is restarted by its supervisor.
 */
export class TurnServer {
  private child: ChildProcess | null = null;
  private output = '';
  private readonly secret = randomBytes(16).toString('hex');
  private readonly dir = mkdtempSync(join(tmpdir(), 'duet-turn-'));
  private readonly minRelayPort = nextRelayBlock();

  private constructor(
    readonly port: number,
    /** coturn's `--max-bps`: bytes per second each session may move each way; the rest is dropped. */
    private readonly maxBytesPerSecond: number | undefined,
  ) {}

  /** `maxBytesPerSecond`: a bandwidth cap on every TURN session (a weak network, for real). */
  static async launch({ maxBytesPerSecond }: { maxBytesPerSecond?: number } = {}): Promise<TurnServer> {
    // A missing binary fails the run, in CI or not: a green run must mean coturn was really used.
    if (!existsSync(turnserverPath())) {
      throw new Error(`coturn not found at ${turnserverPath()}: apt-get install -y coturn (or set TURNSERVER_PATH). Not skipped.`);
    }
    const server = new TurnServer(await freePort(), maxBytesPerSecond);
    await server.start();
    return server;
  }

  /** The TURN URL browsers are given. */
  get url(): string {
    return `turn:127.0.0.1:${this.port}?transport=udp`;
  }

  /** What a Duet server needs to issue credentials this coturn accepts (TURN_SECRET, TURN_URLS). */
  issuerEnv(): { TURN_SECRET: string; TURN_URLS: string } {
    return { TURN_SECRET: this.secret, TURN_URLS: this.url };
  }

  /**
   * REST credentials, by default valid for an hour and signed with coturn's secret; `expiresAt`
   * (unix seconds) and `secret` make expired and forged ones.
   */
  credentials(user = 'duet', forge: { expiresAt?: number; secret?: string } = {}): TurnCredentials {
    const username = `${forge.expiresAt ?? Math.floor(Date.now() / 1_000) + 3_600}:${user}`;
    const credential = createHmac('sha1', forge.secret ?? this.secret).update(username).digest('base64');
    return { urls: this.url, username, credential };
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('coturn is already running');
    const child = spawn(
      turnserverPath(),
      [
        '-n',
        '--listening-ip=127.0.0.1',
        `--listening-port=${this.port}`,
        '--relay-ip=127.0.0.1',
        `--min-port=${this.minRelayPort}`,
        `--max-port=${this.minRelayPort + 99}`,
        '--use-auth-secret',
        `--static-auth-secret=${this.secret}`,
        '--realm=duet.test',
        '--fingerprint',
        '--no-tls',
        '--no-dtls',
        '--no-cli',
        '--allow-loopback-peers',
        `--userdb=${join(this.dir, 'turndb')}`,
        `--pidfile=${join(this.dir, 'turn.pid')}`,
        '--log-file=stdout',
        // Only verbose logs name each session's user and its ALLOCATE: what tests check coturn granted.
        '--verbose',
        ...(this.maxBytesPerSecond === undefined ? [] : [`--max-bps=${this.maxBytesPerSecond}`]),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    child.stdout?.on('data', (chunk) => (this.output += chunk));
    child.stderr?.on('data', (chunk) => (this.output += chunk));
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    try {
      await this.answersStun(10_000);
    } catch (error) {
      await this.crash();
      throw new Error(`${(error as Error).message}\n--- coturn output ---\n${this.output}`);
    }
  }

  /** SIGKILL: no goodbye to anyone, every allocation lost. */
  crash(): Promise<void> {
    return this.child ? stopChild(this.child, 'SIGKILL') : Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.crash();
    rmSync(this.dir, { recursive: true, force: true });
  }

  logs(): string {
    return this.output;
  }

  /** Ready means it answers a STUN Binding request on its port (retried every 100 ms). */
  private answersStun(timeoutMs: number): Promise<void> {
    const socket = createSocket('udp4');
    // Binding request: type 0x0001, length 0, magic cookie, 96-bit transaction id.
    const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBytes(12)]);
    return new Promise<void>((resolve, reject) => {
      const finish = (error?: Error) => {
        clearInterval(resend);
        clearTimeout(deadline);
        socket.close();
        if (error) reject(error);
        else resolve();
      };
      const send = () => socket.send(request, this.port, '127.0.0.1');
      const resend = setInterval(send, 100);
      const deadline = setTimeout(() => finish(new Error(`coturn did not answer STUN on ${this.port} within ${timeoutMs} ms`)), timeoutMs);
      socket.on('message', (reply) => {
        // A Binding success response (0x0101) for our transaction.
        if (reply.readUInt16BE(0) === 0x0101 && reply.subarray(8, 20).equals(request.subarray(8, 20))) finish();
      });
      socket.on('error', (error) => finish(error));
      send();
    });
  }
}
