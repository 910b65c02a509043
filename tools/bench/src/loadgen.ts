/**
 * A load-generator process (started by main.ts, pinned to its own core when `taskset` exists).
 * It owns its sockets and both ends of every pair, so one clock times every message and the
 * pair's two sockets check each other: each candidate carries a per-sender sequence number and
 * must arrive exactly once, in order, at the peer, from the peer's name.
 *
 * Per-socket send rates stay under the server's per-connection rate limit (80/s against 100/s)
 * unless the caller asks for no cap (`rate` 0: the load shapes, against a Duet whose limits were
 * raised), and sockets are spread over source addresses (at most `perAddress` each) to stay under
 * its per-IP cap.
 *
 * It must cost much less per message than the servers it measures, or it would be what a figure
 * measures. So candidates are written as ready-masked frames straight to the TCP stream
 * (`CandidateFrames`), all of a socket's frames of one tick in one write, and relayed candidates are
 * read by scanning their bytes, never parsed (but in smoke mode, where every frame is parsed and
 * compared). Everything else (login, offer, answer, close) goes through `ws` as a browser's would.
 */
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { RawData, WebSocket } from 'ws';
import { CommandName, Commands, Counters, InitArgs, Mark, Reply, Request } from './loadgen-rpc';
import {
  answerFrame,
  CandidateFrames,
  closeFrame,
  loginFrame,
  offerFrame,
  NATURAL_PAYLOAD,
  pongFrame,
  relayedSeq,
  sessionDescription,
} from './messages';
import { SampleBuffer } from './stats';

const STEP_TIMEOUT_MS = 15_000;
const SEND_TIMES = 4096; // ring of send times per socket; far more than ever in flight at 25 msg/s
const MAX_SAMPLES_KEPT = 10;

type Message = Record<string, unknown>;

interface Waiter {
  readonly type: string;
  readonly resolve: (message: Message) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** One server under test: its sockets and what went wrong with them. */
class Target {
  readonly idle = new Set<Conn>();
  readonly pairs: [Conn, Conn][] = [];
  readonly conns = new Set<Conn>();
  counters = emptyCounters();
  calls: Promise<void>[] = [];
  callsRunning = false;

  constructor(
    readonly name: string,
    readonly url: string,
    /** Where each pair's second socket connects: another instance of a cluster, or the same server. */
    readonly peerUrl: string = url,
  ) {}

  pairConns(limit = this.pairs.length): Conn[] {
    return this.pairs.slice(0, limit).flat();
  }

  violation(text: string): void {
    this.counters.violations++;
    note(this.counters.violationSamples, text);
  }
}

class Conn {
  readonly ws: WebSocket;
  readonly closed: Promise<void>;
  peer: Conn | undefined;
  /** `"username":"<peer>","callId":"<id>"}` (no callId from the raw relay): how every frame relayed from the peer must end. */
  peerSuffix: Buffer | undefined;
  /** The server's name for this socket's call, when the server names calls (Duet does; the raw relay does not). */
  callId: string | undefined;
  /** This socket's candidate frames to its peer, for the payload size being sent (undefined: in no call). */
  frames: CandidateFrames | undefined;
  /** Queued to send what its window allows once this tick's reads are done. */
  pending = false;
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

  constructor(
    readonly target: Target,
    readonly id: number,
    readonly name: string,
    readonly address: string,
    url: string = target.url,
  ) {
    this.ws = new WebSocket(url, {
      localAddress: address,
      perMessageDeflate: false,
      skipUTF8Validation: true,
      handshakeTimeout: STEP_TIMEOUT_MS,
    });
    target.conns.add(this);
    this.closed = new Promise((resolve) => {
      this.ws.once('close', () => {
        releaseAddress(address);
        target.conns.delete(this);
        target.idle.delete(this);
        this.settle(new Error(`${name}: socket closed`));
        resolve();
      });
    });
    this.ws.on('message', (data: RawData) => onMessage(this, data as Buffer));
    // A failure before `open` rejects `open()`; a reset after it shows up as 'close'.
    this.ws.on('error', () => undefined);
  }

  /** The next non-candidate message of `type` (users/presence/other chatter is skipped). */
  expect(type: string, timeoutMs = STEP_TIMEOUT_MS): Promise<Message> {
    if (this.waiter) throw new Error(`${this.name} already waits for ${this.waiter.type}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`${this.name}: no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = { type, resolve, reject, timer };
    });
  }

  settle(error: Error | undefined, message: Message = {}): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    if (error) waiter.reject(error);
    else waiter.resolve(message);
  }

  /** The TCP stream under the WebSocket: candidate frames are written to it directly. */
  get stream(): Duplex {
    return (this.ws as unknown as { _socket: Duplex })._socket;
  }

  framesOf(payload: number): CandidateFrames {
    const frames = this.frames;
    if (!frames || !this.peer) throw new Error(`${this.name} is in no call`);
    if (frames.payload !== payload) this.frames = new CandidateFrames(this.id, this.peer.name, payload);
    return this.frames as CandidateFrames;
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

let settings: InitArgs = { targets: {}, addresses: [], perAddress: 1, verify: 'fast', tag: 'g' };
const targets = new Map<string, Target>();
let delivered = 0;
let callsCompleted = 0;
let nextId = 0;

/** Live sockets per source address, over all targets (a conservative reading of the per-IP cap). */
const liveByAddress = new Map<string, number>();
let addressCursor = 0;

// Closed-loop streaming: one target at a time, over `streamConns`; rate 0: no cap per socket.
let streaming = false;
let streamConns: Conn[] = [];
let streamWindow = 1;
let streamRate = 1;
let streamBurst = 1;
let streamPayload = NATURAL_PAYLOAD;
let streamTimer: NodeJS.Timeout | undefined;
/** Senders whose peer got a candidate this tick: each sends what its window allows, in one write, once the reads are done. */
let toPump: Conn[] = [];

// Open-loop latency: samples whose intended send time falls in [latencyFrom, latencyTo).
let latencyFrom = Number.POSITIVE_INFINITY;
let latencyTo = Number.NEGATIVE_INFINITY;
let latencySamples = new SampleBuffer();

function emptyCounters(): Counters {
  return { errors: 0, errorSamples: [], violations: 0, violationSamples: [], lost: 0, connectFailures: 0, failedCalls: 0 };
}

function note(samples: string[], text: string): void {
  if (samples.length < MAX_SAMPLES_KEPT) samples.push(text.length > 300 ? `${text.slice(0, 300)}…` : text);
}

function target(name: string): Target {
  const found = targets.get(name);
  if (!found) throw new Error(`unknown target ${name}`);
  return found;
}

function allocateAddress(): string {
  const { addresses, perAddress } = settings;
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

/** Connects to `t` (at `url`) from the next free source address and logs in as `name`. */
async function open(t: Target, name: string, url: string = t.url): Promise<Conn> {
  const conn = new Conn(t, nextId++, name, allocateAddress(), url);
  try {
    await new Promise<void>((resolve, reject) => {
      conn.ws.once('open', resolve);
      conn.ws.once('error', reject);
    });
    const loggedIn = conn.expect('login');
    conn.ws.send(loginFrame(name));
    await loggedIn;
    return conn;
  } catch (error) {
    t.counters.connectFailures++;
    note(t.counters.errorSamples, `${name}: ${error instanceof Error ? error.message : String(error)}`);
    conn.ws.terminate();
    throw error;
  }
}

function onMessage(conn: Conn, data: Buffer): void {
  // `{"type":"can…`: the hot path; everything else is rare and gets parsed (`call-report-key` too).
  if (data[9] === 0x63 && data[10] === 0x61 && data[11] === 0x6e) {
    onCandidate(conn, data, 0, data.length);
    return;
  }
  let message: Message;
  try {
    message = JSON.parse(data.toString());
  } catch {
    conn.target.violation(`${conn.name} got a non-JSON frame: ${data.toString().slice(0, 80)}`);
    return;
  }
  const type = message['type'];
  if (type === 'error' || (type === 'login' && message['success'] !== true)) {
    const counters = conn.target.counters;
    counters.errors++;
    const text = `${conn.name}: ${JSON.stringify(message)}`;
    note(counters.errorSamples, text);
    if (conn.waiter && (type === 'login' || message['replyTo'] === conn.waiter.type)) conn.settle(new Error(text));
    return;
  }
  if (conn.waiter && type === conn.waiter.type) conn.settle(undefined, message);
}

/** The relayed candidate in `data[start, end)`: the frame itself, or one of several in a chunk read off the socket. */
function onCandidate(conn: Conn, data: Buffer, start: number, end: number): void {
  const from = conn.peer;
  const seq = relayedSeq(data, start, end);
  const suffix = conn.peerSuffix;
  if (
    from === undefined ||
    suffix === undefined ||
    seq < 0 ||
    end - start < suffix.length ||
    data.compare(suffix, 0, suffix.length, end - suffix.length, end) !== 0
  ) {
    conn.target.violation(`${conn.name} got an unexpected candidate: ${data.toString('utf8', start, Math.min(end, start + 200))}`);
    return;
  }
  if (settings.verify === 'full') verifyCandidate(conn, from, seq, data.subarray(start, end));
  if (seq !== conn.received + 1) {
    conn.target.violation(`${conn.name} got candidate ${seq} from ${from.name} after ${conn.received}`);
  }
  if (seq > conn.received) conn.received = seq;
  delivered++;
  from.inflight--;
  if (from.sendTimes !== undefined) {
    const intended = from.sendTimes[seq % SEND_TIMES];
    if (intended >= latencyFrom && intended < latencyTo) latencySamples.push((performance.now() - intended) * 1000);
  }
  if (streaming && !from.pending) {
    from.pending = true;
    if (toPump.push(from) === 1) process.nextTick(pumpQueued);
  }
  if (conn.candidateWaiter !== undefined && conn.received >= conn.candidateTarget) conn.candidateWaiter();
}

/**
 * Reads `conn`'s frames off its TCP stream instead of through `ws`'s receiver, once it is in a call:
 * the server's frames are unmasked and never fragmented, so a relayed candidate is found and checked
 * where it lies in the chunk read, with no Buffer made per frame. Other text frames go to
 * `onMessage` as before, pings are answered, a close frame ends the socket. Only when `ws` holds no
 * partly read frame (otherwise the socket stays with `ws`, which is just slower).
 */
function readFramesDirectly(conn: Conn): void {
  const receiver = (conn.ws as unknown as { _receiver?: { _bufferedBytes?: number } })._receiver;
  const stream = conn.stream;
  if (receiver?._bufferedBytes !== 0 || !stream || stream.destroyed) return;
  for (const listener of stream.listeners('data')) stream.removeListener('data', listener as (chunk: Buffer) => void);
  let pending: Buffer | undefined;
  stream.on('data', (chunk: Buffer) => {
    const data = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
    pending = undefined;
    let at = 0;
    while (data.length - at >= 2) {
      const first = data[at];
      let length = data[at + 1];
      let head = 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        head = 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = Number(data.readBigUInt64BE(at + 2));
        head = 10;
      } else if (length > 127) {
        conn.target.violation(`${conn.name} got a masked frame from the server`);
        conn.ws.terminate();
        return;
      }
      if (data.length - at < head + length) break;
      const start = at + head;
      const end = start + length;
      at = end;
      const opcode = first & 0x0f;
      if (first === 0x81) {
        if (data[start + 9] === 0x63 && data[start + 10] === 0x61 && data[start + 11] === 0x6e) onCandidate(conn, data, start, end);
        else onMessage(conn, data.subarray(start, end));
      } else if (opcode === 0x9) {
        stream.write(pongFrame(data.subarray(start, end)));
      } else if (opcode === 0x8) {
        conn.ws.terminate();
        return;
      } else if (opcode !== 0xa) {
        conn.target.violation(`${conn.name} got a frame the servers never send (first byte ${first})`);
      }
    }
    if (at < data.length) pending = data.subarray(at);
  });
}

/** Smoke mode: the relayed frame is exactly `{type, candidate, username}` with what the peer sent. */
function verifyCandidate(conn: Conn, from: Conn, seq: number, data: Buffer): void {
  const init = (from.frames as CandidateFrames).init(seq);
  verifyRelayed(conn, JSON.parse(data.toString()), withCall({ type: 'candidate', candidate: init, username: from.name }, from.callId));
}

function verifyRelayed(conn: Conn, got: Message, expected: Message): void {
  if (canonical(got) !== canonical(expected)) {
    conn.target.violation(`${conn.name} got ${JSON.stringify(got).slice(0, 200)} instead of ${JSON.stringify(expected).slice(0, 200)}`);
  }
}

/** JSON with sorted keys: field order is not part of the protocol. */
function canonical(value: unknown): string {
  const sort = (v: unknown): unknown =>
    typeof v !== 'object' || v === null || Array.isArray(v)
      ? v
      : Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((key) => [key, sort((v as Message)[key])]),
        );
  return JSON.stringify(sort(value));
}

/** Offer from `a`, answer from `b`: afterwards the two share an active call on the server. */
async function call(a: Conn, b: Conn, id: number): Promise<void> {
  a.peer = b;
  b.peer = a;
  a.frames = new CandidateFrames(a.id, b.name, NATURAL_PAYLOAD);
  b.frames = new CandidateFrames(b.id, a.name, NATURAL_PAYLOAD);
  const offered = b.expect('offer');
  a.ws.send(offerFrame(b.name, id));
  const offer = await offered;
  const callId = typeof offer['callId'] === 'string' ? offer['callId'] : undefined;
  a.callId = b.callId = callId;
  a.peerSuffix = relayedSuffix(b.name, callId);
  b.peerSuffix = relayedSuffix(a.name, callId);
  const answered = a.expect('answer');
  b.ws.send(answerFrame(a.name, id));
  const answer = await answered;
  readFramesDirectly(a);
  readFramesDirectly(b);
  if (settings.verify === 'full') {
    verifyRelayed(b, offer, withCall({ type: 'offer', offer: { type: 'offer', sdp: sessionDescription('offer', id) }, username: a.name }, callId));
    verifyRelayed(a, answer, withCall({ type: 'answer', answer: { type: 'answer', sdp: sessionDescription('answer', id) }, username: b.name }, callId));
  }
}

/** How a frame relayed from `sender` ends: the server names the sender last, then the call. */
function relayedSuffix(sender: string, callId: string | undefined): Buffer {
  return Buffer.from(`"username":${JSON.stringify(sender)}${callId === undefined ? '' : `,"callId":${JSON.stringify(callId)}`}}`);
}

function withCall(message: Message, callId: string | undefined): Message {
  return callId === undefined ? message : { ...message, callId };
}

/** Runs `task(i)` for i in [0, count), at most `concurrency` at a time; rejects with the first failure. */
async function bounded(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(count, concurrency) }, async () => {
    while (next < count) await task(next++);
  });
  await Promise.all(lanes);
}

/** Sends `count` candidates (the next sequence numbers) in one write; returns the first one's number. */
function sendCandidates(conn: Conn, count: number, payload: number): number {
  const frames = conn.framesOf(payload);
  const first = conn.sent + 1;
  let length = 0;
  for (let seq = first; seq < first + count; seq++) length += frames.frameLength(seq);
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (let seq = first; seq < first + count; seq++) at = frames.write(seq, out, at);
  conn.sent += count;
  conn.inflight += count;
  const stream = conn.stream;
  // A socket the server closed is counted by the drain (never delivered), not thrown at the caller.
  if (stream.writable) stream.write(out);
  return first;
}

function sendCandidate(conn: Conn, payload = NATURAL_PAYLOAD): number {
  return sendCandidates(conn, 1, payload);
}

function pumpQueued(): void {
  const queued = toPump;
  toPump = [];
  for (const conn of queued) {
    conn.pending = false;
    if (streaming) pump(conn);
  }
}

/** Sends what the window (and, with a rate cap, the socket's token bucket) allows, in one write. */
function pump(conn: Conn): void {
  let count = streamWindow - conn.inflight;
  if (streamRate > 0) {
    const now = performance.now();
    conn.tokens = Math.min(streamBurst, conn.tokens + ((now - conn.lastRefill) * streamRate) / 1000);
    conn.lastRefill = now;
    count = Math.min(count, Math.floor(conn.tokens));
    conn.tokens -= Math.max(0, count);
  }
  if (count > 0) sendCandidates(conn, count, streamPayload);
}

/** Waits until nothing sent is still in flight (or `ms` passed), then counts what never arrived. */
async function drain(t: Target, conns: readonly Conn[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && conns.some((conn) => conn.inflight > 0)) {
    await sleep(20);
  }
  for (const conn of conns) {
    const missing = conn.sent - (conn.peer?.received ?? 0);
    if (missing > 0) {
      t.counters.lost += missing;
      note(t.counters.violationSamples, `${conn.peer?.name} is missing ${missing} of ${conn.sent} candidates from ${conn.name}`);
    }
    conn.inflight = 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Connect and log in both, offer, answer, candidates both ways, close, disconnect. */
async function oneCall(t: Target, candidates: number): Promise<void> {
  const id = nextId;
  const [a, b] = await Promise.all([open(t, `${settings.tag}ca${id}`), open(t, `${settings.tag}cb${id}`)]);
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
    if (settings.verify === 'full') verifyRelayed(b, close, withCall({ type: 'close', username: a.name, reason: 'hangup' }, a.callId));
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
    settings = args;
    targets.clear();
    for (const [name, address] of Object.entries(args.targets)) {
      targets.set(name, typeof address === 'string' ? new Target(name, address) : new Target(name, address.url, address.peerUrl));
    }
  },

  async idle({ target: name, count, concurrency }) {
    const t = target(name);
    const started = performance.now();
    await bounded(count, concurrency, async (i) => {
      t.idle.add(await open(t, `${settings.tag}${t.name}i${i}`));
    });
    return { connected: t.idle.size, ms: performance.now() - started };
  },

  async pairs({ target: name, count, concurrency }) {
    const t = target(name);
    const started = performance.now();
    await bounded(count, concurrency, async (i) => {
      const [a, b] = await Promise.all([open(t, `${settings.tag}${t.name}pa${i}`), open(t, `${settings.tag}${t.name}pb${i}`, t.peerUrl)]);
      await call(a, b, i);
      t.pairs.push([a, b]);
    });
    return { ms: performance.now() - started };
  },

  async streamStart({ target: name, window, rate, pairs, payload }) {
    const conns = target(name).pairConns(pairs);
    streaming = true;
    streamConns = conns;
    streamWindow = window;
    streamRate = rate;
    streamPayload = payload ?? NATURAL_PAYLOAD;
    // A small burst: the server would allow 200 at once, but a steady sender is the honest load.
    streamBurst = Math.max(1, Math.min(window, 8));
    const now = performance.now();
    for (const conn of conns) {
      conn.tokens = 1;
      conn.lastRefill = now;
    }
    for (const conn of conns) pump(conn);
    // Only a rate cap needs a clock: without one, each delivery sends the next candidate.
    if (rate > 0) {
      streamTimer = setInterval(() => {
        for (const conn of conns) if (conn.inflight < streamWindow) pump(conn);
      }, 10);
    }
  },

  async streamStop({ target: name, drainMs }) {
    streaming = false;
    clearInterval(streamTimer);
    streamTimer = undefined;
    const conns = streamConns;
    streamConns = [];
    await drain(target(name), conns, drainMs);
  },

  async latency({ target: name, pairs, rate, warmupMs, durationMs, drainMs, payload }) {
    const t = target(name);
    const conns = t.pairConns(pairs);
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
          const seq = sendCandidate(conn, payload);
          (conn.sendTimes as Float64Array)[seq % SEND_TIMES] = start + k * interval;
        }
        // A 1 ms timer, not a busy loop: on a shared machine a spinning process loses its time
        // slice to others and every message behind it waits.
        if (k >= total) resolve();
        else setTimeout(tick, 1);
      };
      tick();
    });
    const elapsed = performance.now() - start;
    await drain(t, conns, drainMs);
    for (const conn of conns) conn.sendTimes = undefined;
    latencyFrom = Number.POSITIVE_INFINITY;
    latencyTo = Number.NEGATIVE_INFINITY;
    return { samples: latencySamples.toArray(), sent: total, achievedRate: (total * 1000) / elapsed };
  },

  async callsStart({ target: name, concurrency, candidates }) {
    const t = target(name);
    t.callsRunning = true;
    t.calls = Array.from({ length: concurrency }, async () => {
      while (t.callsRunning) {
        try {
          await oneCall(t, candidates);
          callsCompleted++;
        } catch (error) {
          t.counters.failedCalls++;
          note(t.counters.violationSamples, `call failed: ${error instanceof Error ? error.message : String(error)}`);
          await sleep(50);
        }
      }
    });
  },

  async callsStop({ target: name, timeoutMs }) {
    const t = target(name);
    t.callsRunning = false;
    await Promise.race([Promise.all(t.calls), sleep(timeoutMs)]);
    t.calls = [];
  },

  async mark(): Promise<Mark> {
    const cpu = process.cpuUsage();
    return { at: performance.timeOrigin + performance.now(), delivered, callsCompleted, cpuMicros: cpu.user + cpu.system };
  },

  async close({ target: name, idleOnly }) {
    const t = target(name);
    if (!idleOnly) {
      streaming = false;
      streamConns = [];
      clearInterval(streamTimer);
      t.callsRunning = false;
    }
    const conns = idleOnly ? [...t.idle] : [...t.conns];
    for (const conn of conns) conn.ws.terminate();
    await Promise.race([Promise.all(conns.map((conn) => conn.closed)), sleep(10_000)]);
    t.idle.clear();
    if (!idleOnly) t.pairs.length = 0;
  },

  async counters({ target: name }) {
    const t = target(name);
    const snapshot = t.counters;
    t.counters = emptyCounters();
    return snapshot;
  },
};

process.on('message', (request: Request) => {
  const handler = handlers[request.cmd] as (args: unknown) => Promise<unknown>;
  const reply = (message: Reply) => process.send?.(message);
  handler(request.args).then(
    (result) => reply({ id: request.id, ok: true, result }),
    (error: unknown) =>
      reply({ id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
