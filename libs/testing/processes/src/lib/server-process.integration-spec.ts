import { freePort } from './free-port';
import { requireBuilt, runServer, SERVER_MAIN, startServerProcess } from './server-process';

describe('the server process helpers, on the production build', () => {
  beforeAll(() => requireBuilt([SERVER_MAIN], 'run "npx nx build server" (this project\'s test target does)'));

  it('starts the server on a free loopback port with the given env, ready once it says so, and stops it', async () => {
    const server = await startServerProcess({ env: { LOG_LEVEL: 'info' } });
    try {
      expect(server.baseUrl).toBe(`http://127.0.0.1:${server.port}`);
      expect(server.wsUrl).toBe(`ws://127.0.0.1:${server.port}/ws`);
      expect(server.output()).toContain(`serving on http://127.0.0.1:${server.port}`);
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
      expect(server.rss()).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
    // SIGTERM is a graceful shutdown: it ends by itself (code 0, or re-raising SIGTERM), no SIGKILL needed.
    const code = await server.exited;
    expect({ code, signal: server.child.signalCode }).toEqual(code === null ? { code, signal: 'SIGTERM' } : { code: 0, signal: null });
  });

  it('waits for a path to answer 200 when told to, on the port it is given', async () => {
    const port = await freePort();
    const server = await startServerProcess({ port, ready: { serves: '/healthz' } });
    try {
      expect(server.port).toBe(port);
      expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
    } finally {
      await server.crash();
    }
    expect(await server.exited).toBeNull();
    expect(server.child.signalCode).toBe('SIGKILL');
  });

  it('runs a server that fails to start, keeping everything it printed', async () => {
    const server = runServer({ env: { PORT: 'eighty' } });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('Invalid PORT="eighty"');
    await expect(server.waitForOutput('never printed', 5_000)).rejects.toThrow(/exited \(1\) before it printed "never printed"/);
  });

  it('fails with its output when the server exits before it is ready', async () => {
    await expect(startServerProcess({ env: { HEARTBEAT_INTERVAL_MS: 'often' } })).rejects.toThrow(/HEARTBEAT_INTERVAL_MS/);
  });

  it('names a missing build and how to make it', () => {
    expect(() => requireBuilt(['/nonexistent/main.js'], 'build it')).toThrow('/nonexistent/main.js is missing: build it');
  });
});
