import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The production bundle, run the way `npm start` runs it. Built by the e2e target's dependency. */
export const MAIN = join(__dirname, '../../../../dist/apps/server/main.js');

export function requireBuiltServer(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npx nx build server" (the e2e target does)`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Resident memory of the process now, from /proc, in bytes. */
  rss(): number;
  stop(): Promise<void>;
}

export function runServer(env: Record<string, string>, cwd?: string): ServerProcess {
  let output = '';
  const child = spawn(process.execPath, [MAIN], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    rss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status);
      if (!kib) throw new Error(`no VmRSS in /proc/${child.pid}/status`);
      return Number(kib[1]) * 1024;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Starts the production server on a loopback port (a free one by default) and waits until it says it is serving. */
export async function startServerProcess(
  env: Record<string, string> = {},
  port?: number,
  { cwd, readyText }: { cwd?: string; readyText?: string } = {},
): Promise<ServerProcess & { port: number }> {
  port ??= await freePort();
  const server = runServer({ PORT: String(port), HOST: '127.0.0.1', ...env }, cwd);
  try {
    await waitForOutput(server, readyText ?? `serving on http://127.0.0.1:${port}`);
  } catch (error) {
    // A server that never said it was ready must not outlive the test that started it.
    await server.stop();
    throw error;
  }
  return { ...server, port };
}

export async function waitForOutput(server: ServerProcess, text: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(() => server.output().includes(text), timeoutMs, () => `no "${text}" in: ${server.output()}`);
}

/** Polls `condition` until it holds; fails with `describe()` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5_000, describe = () => 'condition not met in time'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(describe());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
