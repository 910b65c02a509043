import { startServerProcess, StartedServer, PushEndpoint, ReceivedPush, TestPushSubscription } from '@duet/testing/processes';
import { AuthSettings, CallOutcome, CallRecord, HISTORY_PATH, HistoryPage, PUSH_SUBSCRIPTIONS_PATH, PushPayload } from '@duet/shared/protocol';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFFER } from './call-flow';
import { Received, TestClient } from './test-client';
import { AUDIENCE, HS_SECRET, hsKey, ISSUER, signToken } from './tokens';

/** What an HTTP call answered: its status and its body (parsed when JSON, else the text). */
export interface Answer {
  readonly status: number;
  // Checked field by field in the tests.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

export interface AccountsServerOptions {
  /** The local push service: trusted by the server (`NODE_EXTRA_CA_CERTS`) and listed in `PUSH_ENDPOINT_HOSTS`. */
  readonly push: PushEndpoint;
  /** PostgreSQL (`DATABASE_URL`); SQLite in a temporary `DATA_DIR` by default. */
  readonly databaseUrl?: string;
  /** More variables (`RING_TIMEOUT_MS`...). */
  readonly env?: Readonly<Record<string, string>>;
}

/** The variables of a server with accounts (`AUTH_MODE=jwt`, HS256) that pushes to `push`; add the database. */
export function accountsEnv(push: PushEndpoint): Record<string, string> {
  return {
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: HS_SECRET,
    AUTH_JWT_ISSUER: ISSUER,
    AUTH_JWT_AUDIENCE: AUDIENCE,
    NODE_EXTRA_CA_CERTS: push.caFile,
    PUSH_ENDPOINT_HOSTS: push.host,
    PUSH_VAPID_SUBJECT: 'mailto:ops@duet.test',
  };
}

/**
 * What a test does with a server that keeps accounts, as a signed-in user: WebSocket logins, the
 * accounts API, push subscriptions made at the local push service.
 */
export class AccountsApi {
  private readonly clients: TestClient[] = [];

  constructor(
    private readonly address: () => { readonly baseUrl: string; readonly wsUrl: string },
    readonly push: PushEndpoint,
  ) {}

  get baseUrl(): string {
    return this.address().baseUrl;
  }

  get wsUrl(): string {
    return this.address().wsUrl;
  }

  /** A real token for `username`, as the company's portal would sign it. */
  token(username: string): Promise<string> {
    return signToken(hsKey(), 'HS256', { sub: username });
  }

  /** `username` signs in over the WebSocket (closed by `closeClients()` if the test does not). */
  async login(username: string): Promise<TestClient> {
    const client = await TestClient.loggedIn(this.address().wsUrl, username, { protocols: ['duet', `access_token.${await this.token(username)}`] });
    this.clients.push(client);
    return client;
  }

  /**
   * An HTTP call, signed in as `username` (`Authorization: Bearer`) unless undefined. `body`: an
   * object is sent as JSON, a string as it is (with a JSON content type).
   */
  async request(username: string | undefined, method: string, path: string, body?: object | string): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (username !== undefined) headers['Authorization'] = `Bearer ${await this.token(username)}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  }

  async settings(): Promise<AuthSettings> {
    return (await this.request(undefined, 'GET', '/auth/settings')).body;
  }

  /** The VAPID key browsers subscribe with (`accounts.pushPublicKey` of `/auth/settings`). */
  async pushPublicKey(): Promise<string> {
    const settings = await this.settings();
    const key = 'accounts' in settings ? settings.accounts?.pushPublicKey : undefined;
    if (key === undefined) throw new Error(`/auth/settings has no accounts.pushPublicKey: ${JSON.stringify(settings)}`);
    return key;
  }

  /**
   * A new browser of `username`, subscribed the way the app does it: made with the server's VAPID
   * key as `applicationServerKey` (so the push service refuses pushes signed by any other key), posted.
   */
  async subscribeDevice(username: string): Promise<TestPushSubscription> {
    const device = this.push.subscription({ applicationServerKey: await this.pushPublicKey() });
    const answer = await this.request(username, 'POST', PUSH_SUBSCRIPTIONS_PATH, device.json);
    if (answer.status !== 201) throw new Error(`subscribing a device of ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return device;
  }

  async history(username: string, query = ''): Promise<HistoryPage> {
    const answer = await this.request(username, 'GET', `${HISTORY_PATH}${query}`);
    if (answer.status !== 200) throw new Error(`history of ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /**
   * `username`'s history once it holds `count` calls: the journal writes off the signaling path,
   * so a record lands a moment after the message that made it.
   */
  async historyOf(username: string, count: number, timeoutMs = 5_000): Promise<HistoryPage> {
    return eventually(async () => {
      const page = await this.history(username);
      return page.calls.length === count ? page : undefined;
    }, `${count} calls in the history of ${username}`, timeoutMs);
  }

  /**
   * `username`'s record of call `callId` once it has `outcome`: a call is listed from its first
   * ring with its provisional outcome (missed), settled when it ends.
   */
  async recordOf(username: string, callId: string, outcome: CallOutcome, timeoutMs = 5_000): Promise<CallRecord> {
    return eventually(async () => {
      const record = (await this.history(username, '?limit=100')).calls.find((call) => call.callId === callId);
      return record?.outcome === outcome ? record : undefined;
    }, `call ${callId} ${outcome} in the history of ${username}`, timeoutMs);
  }

  /** Closes every client `login` opened that the test did not. */
  closeClients(): void {
    this.clients.splice(0).forEach((client) => client.close());
  }
}

/**
 * The production server with accounts, as an operator runs it (SQLite in a temporary `DATA_DIR`,
 * or PostgreSQL), with `AccountsApi` for it. `restart()` keeps the database.
 */
export class AccountsServer extends AccountsApi {
  /** What the process printed before the last `restart()`: its shutdown included. */
  previousOutput = '';

  private constructor(
    private server: StartedServer,
    private readonly env: Readonly<Record<string, string>>,
    private readonly dataDir: string | undefined,
    push: PushEndpoint,
  ) {
    super(() => this.server, push);
  }

  static async start({ push, databaseUrl, env = {} }: AccountsServerOptions): Promise<AccountsServer> {
    const dataDir = databaseUrl === undefined ? mkdtempSync(join(tmpdir(), 'duet-accounts-')) : undefined;
    const fullEnv = { ...accountsEnv(push), ...(dataDir === undefined ? { DATABASE_URL: databaseUrl as string } : { DATA_DIR: dataDir }), ...env };
    try {
      return new AccountsServer(await startServerProcess({ env: fullEnv }), fullEnv, dataDir, push);
    } catch (error) {
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  output(): string {
    return this.server.output();
  }

  /**
   * Stops the process gracefully (SIGTERM), or kills it (`crash`: SIGKILL, nothing closed), and
   * starts it again on the same database, on a new port.
   */
  async restart({ crash = false } = {}): Promise<void> {
    // Its clients are still connected when it stops, as a deployment (or a crash) finds them.
    await (crash ? this.server.crash() : this.server.stop());
    this.closeClients();
    this.previousOutput = this.server.output();
    this.server = await startServerProcess({ env: this.env });
  }

  async close(): Promise<void> {
    this.closeClients();
    await this.server.stop();
    if (this.dataDir !== undefined) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Polls `probe` until it gives a value; fails naming `what` after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

/** What `client` received about calls: no login reply, presence, or replies to `sync()`. */
export function callTraffic(client: TestClient): Received[] {
  return client.callMessages().filter((message) => message['type'] !== 'login' && message['replyTo'] !== 'sync-probe');
}

/** `caller` offers to `callee`, who is offline but subscribed: the device ring's callId, once `device` has its push. */
export async function ringDevice(push: PushEndpoint, caller: TestClient, callee: string, device: TestPushSubscription): Promise<{ callId: string; capability: string }> {
  caller.send({ type: 'offer', offer: OFFER, otherUsername: callee });
  const { callId } = await caller.next('ringing');
  const { capability } = payloadOf(await push.waitForPush(pushFor(device, 'ring', callId))) as { capability: string };
  return { callId, capability };
}

/** SHA-256, hex: how the server keeps a ring's capability, and the `ringKey` the callee's offer carries. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The decrypted payload of a push (what Duet's service worker reads). */
export const payloadOf = (push: ReceivedPush): PushPayload => push.payload as PushPayload;

/** Whether `push` went to `device` and its payload is of `kind` for call `callId`. */
export function pushFor(device: TestPushSubscription, kind: PushPayload['kind'], callId: string): (push: ReceivedPush) => boolean {
  return (push) => push.subscriptionId === device.id && payloadOf(push).kind === kind && payloadOf(push).callId === callId;
}

/** The pushes `device` has received so far. */
export function pushesTo(push: PushEndpoint, device: TestPushSubscription): ReceivedPush[] {
  return push.received.filter((received) => received.subscriptionId === device.id);
}
