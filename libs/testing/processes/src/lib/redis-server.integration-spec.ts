import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { RedisServer, redisServerPath, startRedisServer } from './redis-server';
import { waitFor } from './wait-for';

/** Sends one inline command on a fresh connection and resolves with the first reply line. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write(`${line}\r\n`));
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString().split('\r\n')[0]);
    });
    socket.once('error', reject);
  });
}

/** The state letter of process `pid` (R running, S sleeping, T stopped), from /proc. */
function processState(pid: number | undefined): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.charAt(stat.lastIndexOf(')') + 2);
}

describe('startRedisServer', () => {
  let redis: RedisServer;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis.stop());

  it('runs a real redis-server on its loopback port, ready when it resolves', async () => {
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await command(redis.port, 'PING')).toBe('+PONG');
    expect(redis.output()).toContain('Ready to accept connections');
  });

  it('answers nothing while paused, and what was sent meanwhile once resumed', async () => {
    redis.pause();
    const reply = command(redis.port, 'PING');
    // State T: stopped by a signal, so it cannot have read the command, let alone answered it.
    await waitFor(() => processState(redis.pid()) === 'T', 5_000, () => `redis-server is in state ${processState(redis.pid())}`);
    redis.resume();
    expect(await reply).toBe('+PONG');
  });

  it('comes back empty on the same port after a crash', async () => {
    expect(await command(redis.port, 'SET kept value')).toBe('+OK');
    await redis.stop('SIGKILL');
    await redis.start();
    expect(await command(redis.port, 'EXISTS kept')).toBe(':0');
  });

  it('fails, naming the path and how to install it, when the binary is missing (never skips)', () => {
    const saved = process.env['REDIS_SERVER_PATH'];
    process.env['REDIS_SERVER_PATH'] = '/nonexistent/redis-server';
    try {
      expect(() => redisServerPath()).toThrow(/redis-server not found at \/nonexistent\/redis-server.*apt-get install -y redis-server/);
    } finally {
      if (saved === undefined) delete process.env['REDIS_SERVER_PATH'];
      else process.env['REDIS_SERVER_PATH'] = saved;
    }
  });
});
