import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { completeCall } from './support/call-flow';
import { TestClient } from './support/test-client';

/** The production bundle, run the way `npm start` runs it. Built by the e2e target's dependency. */
const MAIN = join(__dirname, '../../../dist/apps/server/main.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(env: Record<string, string>): Running {
  let output = '';
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForOutput(running: Running, text: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!running.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no "${text}" in: ${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the production server process', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npx nx build server" (the e2e target does)`);
  });

  it('serves a tutorial-protocol call, then shuts down on SIGTERM telling clients 1001, within the bound', async () => {
    const port = await freePort();
    const server = run({ PORT: String(port), HOST: '127.0.0.1', SHUTDOWN_TIMEOUT_MS: '3000' });
    await waitForOutput(server, `serving on http://127.0.0.1:${port}`);
    const url = `ws://127.0.0.1:${port}/ws`;
    const alice = await TestClient.loggedIn(url, 'alice');
    const bob = await TestClient.loggedIn(url, 'bob');
    await completeCall(alice, 'alice', bob, 'bob');

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    expect((await alice.closed).code).toBe(1001);
    expect((await bob.closed).code).toBe(1001);
    const code = await server.exited;
    expect(Date.now() - signalledAt).toBeLessThan(3_000 + 2_000);
    expect(code === 0 || code === null).toBe(true);
  });

  it('refuses to start on a bad variable and names it', async () => {
    const server = run({ PORT: 'eighty' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('Invalid PORT="eighty"');
  });
});
