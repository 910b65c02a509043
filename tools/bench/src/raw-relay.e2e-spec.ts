import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { candidateFramer, loginFrame } from './messages';
import { ServerKind, ServerProcess, startServer } from './processes';

const WORKSPACE = resolve(__dirname, '../../..');
const BENCH_DIST = join(WORKSPACE, 'dist/tools/bench');
const BURST = 20;

/** Write system calls the process has made so far (`syscw` of proc(5): write, writev and kin). */
function writeCalls(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/io`, 'utf8').match(/^syscw: (\d+)/m)?.[1]);
}

async function loggedIn(url: string, name: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((done, fail) => ws.once('open', done).once('error', fail));
  const reply = new Promise((done) => ws.once('message', done));
  ws.send(loginFrame(name));
  await reply;
  return ws;
}

/**
 * One burst of candidates from a to b, sent in one TCP write, through the relay of `kind`: what
 * b receives, and how many write system calls the relay made to send it on.
 */
async function burst(kind: ServerKind, logDir: string): Promise<{ frames: string[]; writes: number }> {
  const relay: ServerProcess = await startServer(kind, { workspaceRoot: WORKSPACE, benchDir: BENCH_DIST, core: undefined, logFile: join(logDir, `${kind}.log`) });
  const sockets: WebSocket[] = [];
  try {
    const [a, b] = await Promise.all([loggedIn(relay.url, 'a'), loggedIn(relay.url, 'b')]);
    sockets.push(a, b);
    const frames: string[] = [];
    const all = new Promise<void>((done) => b.on('message', (data) => frames.push(data.toString()) === BURST && done()));
    const before = writeCalls(relay.pid);
    const frame = candidateFramer(1, 'b');
    const stream = (a as unknown as { _socket: Duplex })._socket;
    stream.cork();
    for (let seq = 1; seq <= BURST; seq++) a.send(frame(seq));
    stream.uncork();
    await all;
    return { frames, writes: writeCalls(relay.pid) - before };
  } finally {
    for (const ws of sockets) ws.terminate();
    await Promise.all(sockets.map((ws) => new Promise((done) => (ws.readyState === WebSocket.CLOSED ? done(undefined) : ws.once('close', done)))));
    await relay.stop();
  }
}

/**
 * The corked relay must do the raw relay's work, frame for frame, and differ only in how it
 * writes: a burst that reaches it in one read leaves in one `writev`, not one write per frame.
 */
describe('the corked relay', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'duet-relay-e2e-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('relays the same frames as the raw relay, in far fewer write system calls', async () => {
    const raw = await burst('raw', dir);
    const corked = await burst('corked', dir);
    expect(corked.frames).toEqual(raw.frames);
    expect(JSON.parse(corked.frames[0])).toMatchObject({ type: 'candidate', username: 'a' });
    expect(raw.writes).toBeGreaterThanOrEqual(BURST);
    // One writev; a little slack for the event loop's own wake-up writes.
    expect(corked.writes).toBeLessThanOrEqual(3);
  });
});
