/**
 * A load-generator process (started by main.ts, pinned to its own core when `taskset` exists).
 * It owns its sockets and both ends of every pair, so one clock times every message and the
 * pair's two sockets check each other: each candidate carries a per-sender sequence number and
 * must arrive exactly once, in order, at the peer, from the peer's name.
 *
 * Per-socket send rates stay under the server's per-connection rate limit (80/s against 100/s), and
 * sockets are spread over source addresses (at most `perAddress` each) to stay under its per-IP cap.
 */
import { performance } from 'node:perf_hooks';
import { RawData, WebSocket } from 'ws';
import {
  CallsResult,
  CommandName,
  Commands,
  Counters,
  IdleResult,
  InitArgs,
  LatencyResult,
  Mark,
  Reply,
  Request,
} from './loadgen-rpc';
import {
  answerFrame,
  candidateFramer,
  candidateInit,
  closeFrame,
  loginFrame,
  offerFrame,
  relayedSeq,
  sessionDescription,
} from './messages';
import { SampleBuffer } from './stats';

const STEP_TIMEOUT_MS = 15_000;
const SEND_TIMES = 4096; // ring of send times per socket; far more than ever in flight at 25 msg/s
const MAX_SAMPLES_KEPT = 10;

interface Waiter {
  readonly type: string;
  readonly resolve: (message: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

class Conn {
  ws!: WebSocket;
  address = '';
  peer: Conn | undefined;
  /** `"username":"<peer>"}`: how every frame relayed from the peer must end. */
  peerSuffix: Buffer | undefined;
  frame: ((seq: number) => string) | undefined;
  /** Last sequence number sent / received from the peer (they start at 1). */
  sent = 0;
  received = 0;
  inflight = 0;
  tokens = 0;
  lastRefill = 0;
  sendTimes: Float64Array | undefined;
  waiter: Waiter | undefined;
  candidateTarget = 0;
  candidateWaiter: (() => void) | undefined;
  closed: Promise<void> | undefined;

  constructor(
    readonly id: number,
    readonly name: string,
  ) {}

  /** The next non-candidate message of `type` (users/presence/other chatter is skipped). */
  expect(type: string, timeoutMs = STEP_TIMEOUT_MS): Promise<Record<string, unknown>> {
    if (this.waiter) throw new Error(`${this.name} already waits for ${this.waiter.type}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`${this.name}: no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = { type, resolve, reject, timer };
    });
  }

  settle(error: Error | undefined, message?: Record<string, unknown>): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    if (error) waiter.reject(error);
    else waiter.resolve(message ?? {});
  }

  /** Resolves once `count` candidates in all have arrived from the peer. */
  expectCandidates(count: number): Promise<void> {
    this.candidateTarget = count;
    if (this.received >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.candidateWaiter = undefined;
        reject(new Error(`${this.name}: ${this.received}/${count} candidates within ${STEP_TIMEOUT_MS} ms`));
      }, STEP_TIMEOUT_MS);
      this.candidateWaiter = () => {
        clearTimeout(timer);
        this.candidateWaiter = undefined;
        resolve();
      };
    });
  }
}

let init: InitArgs | undefined;
let verifyFull = false;
const counters: Counters = emptyCounters();
let delivered = 0;
let nextId = 0;

/** Live sockets per source address. */
const liveByAddress = new Map<string, number>();
let addressCursor = 0;
const idle = new Set<Conn>();
const pairs: [Conn, Conn][] = [];
const everyConn = new Set<Conn>();

// Closed-loop streaming state.
let streaming = false;
let streamWindow = 1;
let streamRate = 1;
let streamBurst = 1;
let streamTimer: NodeJS.Timeout | undefined;

// Open-loop latency state.
let latencyFrom = Number.POSITIVE_INFINITY;
let latencyTo = Number.NEGATIVE_INFINITY;
let latencySamples = new SampleBuffer();

// Call-setup state.
let callsRunning = false;
let callsCompleted = 0;
let callsFailed = 0;
let callLoops: Promise<void>[] = [];

function emptyCounters(): Counters {
  return { errors: 0, errorSamples: [], violations: 0, violationSamples: [], lost: 0, connectFailures: 0 };
}

function note(samples: string[], text: string): void {
  if (samples.length < MAX_SAMPLES_KEPT) samples.push(text.length > 300 ? `${text.slice(0, 300)}…` : text);
}

function violation(text: string): void {
  counters.violations++;
  note(counters.violationSamples, text);
}

function allocateAddress(): string {
  const { addresses, perAddress } = init!;
  for (let tried = 0; tried < addresses.length; tried++) {
    const address = addresses[addressCursor];
    addressCursor = (addressCursor + 1) % addresses.length;
    const live = liveByAddress.get(address) ?? 0;
    if (live < perAddress) {
      liveByAddress.set(address, live + 1);
      return address;
    }
  }
  throw new Error(`all ${addresses.length} source addresses hold ${perAddress} sockets`);
}

function releaseAddress(address: string): void {
  liveByAddress.set(address, (liveByAddress.get(address) ?? 1) - 1);
}

/** Connects from the next free source address and logs in as `name`. */
async function open(name: string): Promise<Conn> {
  const conn = new Conn(nextId++, name);
  conn.address = allocateAddress();
  const ws = new WebSocket(init!.url, {
    localAddress: conn.address,
    perMessageDeflate: false,
    skipUTF8Validation: true,
    handshakeTimeout: STEP_TIMEOUT_MS,
  });
  conn.ws = ws;
  everyConn.add(conn);
  conn.closed = new Promise((resolve) => {
    ws.once('close', () => {
      releaseAddress(conn.address);
      everyConn.delete(conn);
      conn.settle(new Error(`${name}: socket closed`));
      resolve();
    });
  });
  ws.on('message', (data: RawData) => onMessage(conn, data as Buffer));
  // A failure before `open` rejects below; a reset after it shows up as 'close'.
  ws.on('error', () => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const loggedIn = conn.expect('login');
    ws.send(loginFrame(name));
    await loggedIn;
    return conn;
  } catch (error) {
    counters.connectFailures++;
    ws.terminate();
    throw error;
  }
}

function onMessage(conn: Conn, data: Buffer): void {
  // `{"type":"ca…`: the hot path; everything else is rare and gets parsed.
  if (data[9] === 0x63 && data[10] === 0x61) {
    onCandidate(conn, data);
    return;
  }
  let message: Record<string, unknown>;
  try {
    message = JSON.parse(data.toString());
  } catch {
    violation(`${conn.name} got a non-JSON frame: ${data.toString().slice(0, 80)}`);
    return;
  }
  const type = message['type'];
  if (type === 'error' || (type === 'login' && message['success'] !== true)) {
    counters.errors++;
    const text = `${conn.name}: ${JSON.stringify(message)}`;
    note(counters.errorSamples, text);
    if (conn.waiter && (type === 'login' || message['replyTo'] === conn.waiter.type)) conn.settle(new Error(text));
    return;
  }
  if (conn.waiter && type === conn.waiter.type) conn.settle(undefined, message);
}

function onCandidate(conn: Conn, data: Buffer): void {
  const from = conn.peer;
  const seq = relayedSeq(data);
  const suffix = conn.peerSuffix;
  if (
    from === undefined ||
    suffix === undefined ||
    seq < 0 ||
    data.length < suffix.length ||
    data.compare(suffix, 0, suffix.length, data.length - suffix.length) !== 0
  ) {
    violation(`${conn.name} got an unexpected candidate: ${data.toString().slice(0, 200)}`);
    return;
  }
  if (verifyFull) verifyCandidate(conn, from, seq, data);
  if (seq !== conn.received + 1) {
    violation(`${conn.name} got candidate ${seq} from ${from.name} after ${conn.received}`);
  }
  if (seq > conn.received) conn.received = seq;
  delivered++;
  from.inflight--;
  if (from.sendTimes !== undefined) {
    const intended = from.sendTimes[seq % SEND_TIMES];
    if (intended >= latencyFrom && intended < latencyTo) latencySamples.push((performance.now() - intended) * 1000);
  }
  if (streaming) pump(from);
  if (conn.candidateWaiter !== undefined && conn.received >= conn.candidateTarget) conn.candidateWaiter();
}

/** Smoke mode: the relayed frame is exactly `{type, candidate, username}` with what the peer sent. */
function verifyCandidate(conn: Conn, from: Conn, seq: number, data: Buffer): void {
  const message = JSON.parse(data.toString()) as Record<string, unknown>;
  const expected = { type: 'candidate', candidate: candidateInit(seq, from.id), username: from.name };
  if (JSON.stringify(sortKeys(message)) !== JSON.stringify(sortKeys(expected))) {
    violation(`${conn.name} got ${data.toString()} instead of ${JSON.stringify(expected)}`);
  }
}

function sortKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

function connectPair(a: Conn, b: Conn): void {
  a.peer = b;
  b.peer = a;
  a.peerSuffix = Buffer.from(`"username":${JSON.stringify(b.name)}}`);
  b.peerSuffix = Buffer.from(`"username":${JSON.stringify(a.name)}}`);
  a.frame = candidateFramer(a.id, b.name);
  b.frame = candidateFramer(b.id, a.name);
}

/** Offer from `a`, answer from `b`: afterwards the two share an active call on the server. */
async function call(a: Conn, b: Conn, id: number): Promise<void> {
  connectPair(a, b);
  const offered = b.expect('offer');
  a.ws.send(offerFrame(b.name, id));
  const offer = await offered;
  if (verifyFull) verifyRelayed(b, offer, { type: 'offer', offer: { type: 'offer', sdp: sessionDescription('offer', id) }, username: a.name });
  const answered = a.expect('answer');
  b.ws.send(answerFrame(a.name, id));
  const answer = await answered;
  if (verifyFull) verifyRelayed(a, answer, { type: 'answer', answer: { type: 'answer', sdp: sessionDescription('answer', id) }, username: b.name });
}

function verifyRelayed(conn: Conn, got: Record<string, unknown>, expected: Record<string, unknown>): void {
  if (JSON.stringify(sortKeys(got)) !== JSON.stringify(sortKeys(expected))) {
    violation(`${conn.name} got a mangled ${String(expected['type'])}: ${JSON.stringify(got).slice(0, 200)}`);
  }
}

/** Runs `task(i)` for i in [0, count), at most `concurrency` at a time; rejects with the first failure. */
async function bounded(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(count, concurrency) }, async () => {
    while (next < count) await task(next++);
  });
  await Promise.all(lanes);
}

function sendCandidate(conn: Conn): number {
  const seq = ++conn.sent;
  conn.inflight++;
  conn.ws.send(conn.frame!(seq));
  return seq;
}

/** Sends what the window and the socket's token bucket allow. */
function pump(conn: Conn): void {
  const now = performance.now();
  conn.tokens = Math.min(streamBurst, conn.tokens + ((now - conn.lastRefill) * streamRate) / 1000);
  conn.lastRefill = now;
  while (conn.inflight < streamWindow && conn.tokens >= 1) {
    conn.tokens -= 1;
    sendCandidate(conn);
  }
}

/** Waits until nothing sent is still in flight (or `ms` passed), then counts what never arrived. */
async function drain(conns: readonly Conn[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && conns.some((conn) => conn.inflight > 0)) {
    await sleep(20);
  }
  for (const conn of conns) {
    const missing = conn.sent - (conn.peer?.received ?? 0);
    if (missing > 0) {
      counters.lost += missing;
      note(counters.violationSamples, `${conn.peer?.name} is missing ${missing} of ${conn.sent} candidates from ${conn.name}`);
    }
    conn.inflight = 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pairConns(limit = pairs.length): Conn[] {
  return pairs.slice(0, limit).flat();
}

async function oneCall(candidates: number): Promise<void> {
  const id = nextId;
  const [a, b] = await Promise.all([open(`${init!.tag}ca${id}`), open(`${init!.tag}cb${id}`)]);
  try {
    await call(a, b, id);
    const half = candidates >> 1;
    const both = Promise.all([a.expectCandidates(candidates - half), b.expectCandidates(half)]);
    for (let i = 0; i < half; i++) sendCandidate(a);
    for (let i = half; i < candidates; i++) sendCandidate(b);
    await both;
    const closed = b.expect('close');
    a.ws.send(closeFrame(b.name));
    const close = await closed;
    if (verifyFull) verifyRelayed(b, close, { type: 'close', username: a.name, reason: 'hangup' });
    a.ws.close();
    b.ws.close();
    await Promise.all([a.closed, b.closed]);
  } finally {
    a.ws.terminate();
    b.ws.terminate();
  }
}

const handlers: { [C in CommandName]: (args: Commands[C][0]) => Promise<Commands[C][1]> } = {
  async init(args) {
    init = args;
    verifyFull = args.verify === 'full';
  },

  async idle({ count, concurrency }): Promise<IdleResult> {
    const started = performance.now();
    await bounded(count, concurrency, async (i) => {
      idle.add(await open(`${init!.tag}i${i}`));
    });
    return { connected: idle.size, ms: performance.now() - started };
  },

  async pairs({ count, concurrency }) {
    const started = performance.now();
    await bounded(count, concurrency, async (i) => {
      const [a, b] = await Promise.all([open(`${init!.tag}pa${i}`), open(`${init!.tag}pb${i}`)]);
      await call(a, b, i);
      pairs.push([a, b]);
    });
    return { ms: performance.now() - started };
  },

  async streamStart({ window, rate }) {
    streaming = true;
    streamWindow = window;
    streamRate = rate;
    // A small burst: the server allows 200 at once, but a steady sender is the honest load.
    streamBurst = Math.max(1, Math.min(window, 8));
    const conns = pairConns();
    const now = performance.now();
    for (const conn of conns) {
      conn.tokens = 1;
      conn.lastRefill = now;
    }
    for (const conn of conns) pump(conn);
    streamTimer = setInterval(() => {
      for (const conn of conns) if (conn.inflight < streamWindow) pump(conn);
    }, 10);
  },

  async streamStop({ drainMs }) {
    streaming = false;
    clearInterval(streamTimer);
    await drain(pairConns(), drainMs);
  },

  async latency({ pairs: pairCount, rate, warmupMs, durationMs, drainMs }): Promise<LatencyResult> {
    const conns = pairConns(pairCount);
    for (const conn of conns) conn.sendTimes = new Float64Array(SEND_TIMES);
    latencySamples = new SampleBuffer();
    const interval = 1000 / rate;
    const total = Math.round(((warmupMs + durationMs) * rate) / 1000);
    const start = performance.now() + 5;
    latencyFrom = start + warmupMs;
    latencyTo = start + warmupMs + durationMs;
    let k = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        for (; k < total && start + k * interval <= now; k++) {
          const conn = conns[k % conns.length];
          const seq = sendCandidate(conn);
          conn.sendTimes![seq % SEND_TIMES] = start + k * interval;
        }
        if (k >= total) resolve();
        else if (init!.spin) setImmediate(tick);
        else setTimeout(tick, 1);
      };
      tick();
    });
    const elapsed = performance.now() - start;
    await drain(conns, drainMs);
    for (const conn of conns) conn.sendTimes = undefined;
    latencyFrom = Number.POSITIVE_INFINITY;
    latencyTo = Number.NEGATIVE_INFINITY;
    return { samples: latencySamples.toArray(), sent: total, offeredRate: rate, achievedRate: (total * 1000) / elapsed };
  },

  async callsStart({ concurrency, candidates }) {
    callsRunning = true;
    callLoops = Array.from({ length: concurrency }, async () => {
      while (callsRunning) {
        try {
          await oneCall(candidates);
          callsCompleted++;
        } catch (error) {
          callsFailed++;
          note(counters.violationSamples, `call failed: ${error instanceof Error ? error.message : String(error)}`);
          await sleep(50);
        }
      }
    });
  },

  async callsStop({ timeoutMs }): Promise<CallsResult> {
    callsRunning = false;
    await Promise.race([Promise.all(callLoops), sleep(timeoutMs)]);
    const result = { completed: callsCompleted, failed: callsFailed };
    callsCompleted = 0;
    callsFailed = 0;
    callLoops = [];
    return result;
  },

  async mark(): Promise<Mark> {
    const cpu = process.cpuUsage();
    return {
      at: performance.timeOrigin + performance.now(),
      delivered,
      callsCompleted,
      cpuMicros: cpu.user + cpu.system,
    };
  },

  async closeAll() {
    streaming = false;
    clearInterval(streamTimer);
    const closing = [...everyConn].map((conn) => conn.closed);
    for (const conn of [...everyConn]) conn.ws.terminate();
    await Promise.race([Promise.all(closing), sleep(10_000)]);
    idle.clear();
    pairs.length = 0;
  },

  async counters(): Promise<Counters> {
    const snapshot = { ...counters, errorSamples: [...counters.errorSamples], violationSamples: [...counters.violationSamples] };
    Object.assign(counters, emptyCounters());
    return snapshot;
  },
};

process.on('message', (request: Request) => {
  const handler = handlers[request.cmd] as (args: unknown) => Promise<unknown>;
  handler(request.args).then(
    (result) => process.send!({ id: request.id, ok: true, result } satisfies Reply),
    (error: unknown) =>
      process.send!({
        id: request.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies Reply),
  );
});
process.on('disconnect', () => process.exit(0));
