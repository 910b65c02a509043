import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { Counters } from './loadgen-rpc';
import { LoadGenerator } from './processes';

const BENCH_DIST = join(resolve(__dirname, '../../..'), 'dist/tools/bench');

type Fault = 'none' | 'drop' | 'duplicate' | 'misroute' | 'error';

/**
 * A relay that breaks the contract in one chosen way, on every 25th candidate: the load generator
 * must notice, or its "zero errors, every candidate once" verdict would mean nothing.
 */
interface FaultyRelay {
  url: string;
  /** Resolves once this many candidates have passed through (four faulty ones per hundred). */
  relayed: Promise<void>;
  close: () => Promise<void>;
}

const CANDIDATES_TO_RELAY = 100;

function faultyRelay(fault: Fault): Promise<FaultyRelay> {
  const users = new Map<string, WebSocket>();
  const names = new Map<WebSocket, string>();
  let candidates = 0;
  let enoughRelayed!: () => void;
  const relayed = new Promise<void>((done) => (enoughRelayed = done));
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === 'login') {
        users.set(message.username, socket);
        names.set(socket, message.username);
        socket.send(JSON.stringify({ type: 'login', success: true, username: message.username, iceServers: [] }));
        return;
      }
      const target = users.get(message.otherUsername);
      if (!target) return;
      delete message.otherUsername;
      message.username = names.get(socket);
      const faulty = message.type === 'candidate' && ++candidates % 25 === 0;
      if (candidates === CANDIDATES_TO_RELAY) enoughRelayed();
      if (faulty && fault === 'drop') return;
      if (faulty && fault === 'misroute') message.username = 'mallory';
      if (faulty && fault === 'error') socket.send(JSON.stringify({ type: 'error', code: 'rate-limited', message: 'x' }));
      target.send(JSON.stringify(message));
      if (faulty && fault === 'duplicate') target.send(JSON.stringify(message));
    });
  });
  return new Promise((done) =>
    server.on('listening', () =>
      done({
        url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`,
        relayed,
        close: () => {
          server.clients.forEach((client) => client.terminate());
          return new Promise((closed) => server.close(() => closed()));
        },
      }),
    ),
  );
}

/** `rate` 0: the load shapes' closed loop with no per-socket cap, a socket's frames of a tick in one write. */
async function stream(fault: Fault, rate = 80): Promise<Counters> {
  const relay = await faultyRelay(fault);
  const loadgen = LoadGenerator.start(BENCH_DIST, undefined);
  try {
    await loadgen.call('init', { targets: { relay: relay.url }, addresses: ['127.0.0.2', '127.0.0.3'], perAddress: 50, verify: 'fast', tag: 't' });
    await loadgen.call('pairs', { target: 'relay', count: 10, concurrency: 10 });
    await loadgen.call('streamStart', { target: 'relay', window: rate === 0 ? 8 : 2, rate, payload: rate === 0 ? 1_300 : undefined });
    await relay.relayed;
    await loadgen.call('streamStop', { target: 'relay', drainMs: 1_000 });
    await loadgen.call('close', { target: 'relay', idleOnly: false });
    return await loadgen.call('counters', { target: 'relay' });
  } finally {
    await loadgen.stop();
    await relay.close();
  }
}

describe('the load generator checks the relay it measures', () => {
  it('counts nothing against a correct relay', async () => {
    expect(await stream('none')).toMatchObject({ errors: 0, violations: 0, lost: 0, connectFailures: 0 });
  });

  it('notices a dropped candidate', async () => {
    const counters = await stream('drop');
    expect(counters.lost + counters.violations).toBeGreaterThan(0);
  });

  it('notices a duplicated candidate', async () => {
    expect((await stream('duplicate')).violations).toBeGreaterThan(0);
  });

  it('notices a candidate relayed under the wrong name', async () => {
    expect((await stream('misroute')).violations).toBeGreaterThan(0);
  });

  it('without a rate cap, with large candidates several to a write, still notices drops, duplicates and misroutes', async () => {
    expect(await stream('none', 0)).toMatchObject({ errors: 0, violations: 0, lost: 0, connectFailures: 0 });
    const dropped = await stream('drop', 0);
    expect(dropped.lost + dropped.violations).toBeGreaterThan(0);
    expect((await stream('duplicate', 0)).violations).toBeGreaterThan(0);
    expect((await stream('misroute', 0)).violations).toBeGreaterThan(0);
  });

  it('counts error replies', async () => {
    expect((await stream('error')).errors).toBeGreaterThan(0);
  });
});
