import { createECDH, createPublicKey, ECDH, randomBytes, randomUUID, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { generate } from 'selfsigned';

// http_ece ships no types: the one call used here.
const ece = require('http_ece') as { decrypt(body: Buffer, params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: string }): Buffer };

/** A push the endpoint accepted: VAPID verified, body decrypted with the subscription's keys. */
export interface ReceivedPush {
  readonly subscriptionId: string;
  /** The decrypted body, parsed as JSON (Duet's `PushPayload`). */
  readonly payload: unknown;
  /** Seconds, from the `TTL` header. */
  readonly ttl: number;
  readonly urgency: string | undefined;
  readonly topic: string | undefined;
  /** The VAPID JWT's claims. */
  readonly vapid: { readonly aud: string; readonly exp: number; readonly sub: string; readonly k: string };
  readonly at: number;
}

/** A request the endpoint refused, and why (a test asserts there is none, or the one it expects). */
export interface RefusedPush {
  readonly subscriptionId: string;
  readonly status: number;
  readonly reason: string;
}

/** `PushSubscription.toJSON()` as a browser would post it. */
export interface TestPushSubscription {
  readonly id: string;
  readonly json: { readonly endpoint: string; readonly expirationTime: null; readonly keys: { readonly p256dh: string; readonly auth: string } };
}

export interface PushEndpoint {
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  /** The `PUSH_ENDPOINT_HOSTS` entry that allows it: `127.0.0.1:<port>`. */
  readonly host: string;
  /** The self-signed certificate's PEM file: `NODE_EXTRA_CA_CERTS` for a server process that must trust it. */
  readonly caFile: string;
  readonly caPem: string;
  /** A new subscription (its own P-256 key pair and auth secret); with `applicationServerKey`, pushes signed by another key get 403. */
  subscription(options?: { readonly applicationServerKey?: string }): TestPushSubscription;
  readonly received: readonly ReceivedPush[];
  readonly refused: readonly RefusedPush[];
  /** The first push (already received or still to come) that `predicate` accepts. */
  waitForPush(predicate?: (push: ReceivedPush) => boolean, timeoutMs?: number): Promise<ReceivedPush>;
  /** From now on, answers every push to subscription `id` with `status` (gone: 404 or 410). */
  answerWith(id: string, status: 404 | 410): void;
  /** Makes this process's TLS clients trust the certificate (for senders in the test's own process); returns the undo. */
  trustInThisProcess(): () => void;
  close(): Promise<void>;
}

interface Subscriber {
  readonly keys: ECDH;
  readonly auth: string;
  readonly applicationServerKey: string | undefined;
  answer?: number;
}

/**
 * A local Web Push service (RFC 8030) on 127.0.0.1 over HTTPS with a self-signed certificate, in
 * this process. Each push must carry a valid VAPID `Authorization: vapid t=<JWT>, k=<key>` (ES256
 * signature by `k`, `aud` = this origin, `exp` in the future, a `sub`) and an `aes128gcm` body
 * it decrypts with the subscription's keys (RFC 8291). Accepted pushes answer 201.
 */
export async function startPushEndpoint(): Promise<PushEndpoint> {
  const dir = mkdtempSync(join(tmpdir(), 'duet-push-'));
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }],
  });
  const caFile = join(dir, 'push-endpoint.pem');
  writeFileSync(caFile, pems.cert);
  const subscribers = new Map<string, Subscriber>();
  const received: ReceivedPush[] = [];
  const refused: RefusedPush[] = [];
  const waiters = new Set<() => void>();
  let origin = '';

  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const id = /^\/push\/([\w-]+)$/.exec(request.url ?? '')?.[1] ?? '';
      const outcome = handle(id, subscribers.get(id), request, Buffer.concat(chunks), origin);
      if ('push' in outcome) {
        received.push(outcome.push);
        for (const wake of waiters) wake();
      } else if (outcome.status >= 400) {
        refused.push({ subscriptionId: id, status: outcome.status, reason: outcome.reason });
      }
      reply(response, 'push' in outcome ? 201 : outcome.status, 'push' in outcome ? '' : outcome.reason);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  origin = `https://127.0.0.1:${port}`;

  return {
    origin,
    host: `127.0.0.1:${port}`,
    caFile,
    caPem: pems.cert,
    received,
    refused,
    subscription({ applicationServerKey } = {}) {
      const id = randomUUID();
      const keys = createECDH('prime256v1');
      keys.generateKeys();
      const auth = randomBytes(16).toString('base64url');
      subscribers.set(id, { keys, auth, applicationServerKey });
      return { id, json: { endpoint: `${origin}/push/${id}`, expirationTime: null, keys: { p256dh: keys.getPublicKey('base64url'), auth } } };
    },
    waitForPush(predicate = () => true, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const push = received.find(predicate);
          if (push === undefined) return;
          done();
          resolve(push);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching push within ${timeoutMs} ms; received ${JSON.stringify(received)}, refused ${JSON.stringify(refused)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    answerWith(id, status) {
      const subscriber = subscribers.get(id);
      if (subscriber === undefined) throw new Error(`no test subscription ${id}`);
      subscriber.answer = status;
    },
    trustInThisProcess() {
      const before = getCACertificates('default');
      setDefaultCACertificates([...before, pems.cert]);
      return () => setDefaultCACertificates(before);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Outcome = { readonly push: ReceivedPush } | { readonly status: number; readonly reason: string };

function handle(id: string, subscriber: Subscriber | undefined, request: IncomingMessage, body: Buffer, origin: string): Outcome {
  if (request.method !== 'POST') return { status: 405, reason: 'POST a push' };
  if (subscriber === undefined) return { status: 404, reason: 'no such subscription' };
  if (subscriber.answer !== undefined) return { status: subscriber.answer, reason: 'subscription gone' };
  const vapid = verifyVapidOrExplain(request.headers.authorization, origin);
  if ('reason' in vapid) return { status: 401, reason: vapid.reason };
  if (subscriber.applicationServerKey !== undefined && vapid.k !== subscriber.applicationServerKey) {
    return { status: 403, reason: 'VAPID key is not the one the subscription was made with' };
  }
  if (request.headers['content-encoding'] !== 'aes128gcm') return { status: 415, reason: 'body must be aes128gcm' };
  const ttl = Number(request.headers['ttl']);
  if (!Number.isInteger(ttl) || ttl < 0) return { status: 400, reason: 'TTL header missing or invalid' };
  let payload: unknown;
  try {
    payload = JSON.parse(ece.decrypt(body, { version: 'aes128gcm', privateKey: subscriber.keys, authSecret: subscriber.auth }).toString('utf8'));
  } catch (error) {
    return { status: 400, reason: `cannot decrypt the body: ${(error as Error).message}` };
  }
  const header = (name: string) => (typeof request.headers[name] === 'string' ? (request.headers[name] as string) : undefined);
  return { push: { subscriptionId: id, payload, ttl, urgency: header('urgency'), topic: header('topic'), vapid, at: Date.now() } };
}

function verifyVapidOrExplain(authorization: string | undefined, origin: string): ReceivedPush['vapid'] | { readonly reason: string } {
  try {
    return verifyVapid(authorization, origin);
  } catch (error) {
    return { reason: `malformed VAPID credentials: ${(error as Error).message}` };
  }
}

/** RFC 8292: `vapid t=<JWT>, k=<P-256 public key>`, the JWT signed ES256 by that key, for this origin, unexpired. */
function verifyVapid(authorization: string | undefined, origin: string): ReceivedPush['vapid'] | { readonly reason: string } {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization ?? '');
  if (!match) return { reason: 'Authorization is not "vapid t=<jwt>, k=<key>"' };
  const [, jwt, k] = match;
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 4) return { reason: 'k is not an uncompressed P-256 point' };
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    format: 'jwk',
  });
  const [head, claims, signature] = jwt.split('.');
  const signed = verify('sha256', Buffer.from(`${head}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!signed) return { reason: 'JWT signature does not verify with k' };
  const { alg } = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string };
  const { aud, exp, sub } = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud?: string; exp?: number; sub?: string };
  if (alg !== 'ES256') return { reason: `JWT alg is ${alg}, not ES256` };
  if (aud !== origin) return { reason: `JWT aud is ${aud}, not ${origin}` };
  if (typeof exp !== 'number' || exp * 1_000 <= Date.now()) return { reason: 'JWT expired or without exp' };
  if (typeof sub !== 'string' || !/^(mailto:|https:)/.test(sub)) return { reason: 'JWT sub is not a mailto: or https: contact' };
  return { aud, exp, sub, k };
}

function reply(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain' }).end(text);
}
