import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join, resolve } from 'node:path';
import { captureOutput, isRunning, stopChild } from './child';
import { freePort } from './free-port';

const WORKSPACE = resolve(__dirname, '../../../../..');
/** The production bundle, run the way `npm start` runs it (`npx nx build server`). */
export const SERVER_MAIN = join(WORKSPACE, 'dist/apps/server/main.js');
/** The built web app (`npx nx build web`), what a real browser test serves. */
export const WEB_ROOT = join(WORKSPACE, 'dist/apps/web/browser');

/** Fails, naming the file and how to build it, unless every one of `paths` exists. */
export function requireBuilt(paths: readonly string[], howToBuild: string): void {
  for (const path of paths) {
    if (!existsSync(path)) throw new Error(`${path} is missing: ${howToBuild}`);
  }
}

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Its exit code, once it has exited and everything it printed has been read. */
  readonly exited: Promise<number | null>;
  /** Everything it printed (stdout and stderr), for assertions and failure messages. */
  output(): string;
  /** Waits until it has printed `text` (logs may trail the moment it first serves). */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /** Resident memory of the process now, from /proc, in bytes. */
  rss(): number;
  /** SIGTERM (its graceful shutdown), SIGKILL if it still runs 5 s later; waits until it has exited. */
  stop(): Promise<void>;
  /** SIGKILL: the process dies on the spot, closing nothing (a crash, an OOM kill, a pulled plug). */
  crash(): Promise<void>;
}

export interface RunServerOptions {
  /** The entry point; the production build by default. */
  readonly main?: string;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** The working directory (TLS=self-signed keeps its certificate under it, in .duet/tls). */
  readonly cwd?: string;
}

/** Starts the server with `env` and returns at once: for tests of how it starts, or fails to. */
export function runServer({ main = SERVER_MAIN, env = {}, cwd }: RunServerOptions = {}): ServerProcess {
  // With accounts on, each server keeps its own SQLite file, gone with it, unless the test names one
  // (to restart on the same data): never a `./data` shared by every test that runs a server.
  const merged = { ...process.env, ...env };
  const keepsAccounts = merged['AUTH_MODE'] === 'jwt' || merged['AUTH_MODE'] === 'oidc';
  const dataDir = keepsAccounts && !merged['DATA_DIR'] && !merged['DATABASE_URL'] ? mkdtempSync(join(tmpdir(), 'duet-data-')) : undefined;
  const child = spawn(process.execPath, [main], {
    cwd,
    env: { ...merged, ...(dataDir === undefined ? {} : { DATA_DIR: dataDir }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child, 'the server');
  const exited = new Promise<number | null>((done) =>
    child.once('close', (code) => {
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
      done(code);
    }),
  );
  return {
    child,
    exited,
    output: output.text,
    waitForOutput: (text, timeoutMs = 10_000) => output.waitFor(text, timeoutMs),
    rss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status);
      if (!kib) throw new Error(`no VmRSS in /proc/${child.pid}/status`);
      return Number(kib[1]) * 1024;
    },
    stop: () => stopChild(child, 'SIGTERM'),
    crash: () => stopChild(child, 'SIGKILL'),
  };
}

export interface StartServerOptions extends RunServerOptions {
  /** Reuse a port (to restart "the same" server); a free one by default. */
  readonly port?: number;
  /** HOST: loopback by default; `0.0.0.0` to be reachable at this machine's other addresses too. */
  readonly host?: string;
  /**
   * When it counts as started: once it has printed `printed` (by default its own
   * "serving on http://<host>:<port>" line), or once `GET <serves>` answers 200.
   */
  readonly ready?: { readonly printed: string } | { readonly serves: string };
  readonly readyTimeoutMs?: number;
}

export interface StartedServer extends ServerProcess {
  readonly port: number;
  /** `http://` or, with TLS=self-signed or TLS_CERT, `https://` (the tests' certificates are not checked). */
  readonly baseUrl: string;
  readonly wsUrl: string;
}

/** Starts the server on a loopback port (a free one by default) and waits until it is ready. */
export async function startServerProcess(options: StartServerOptions = {}): Promise<StartedServer> {
  const port = options.port ?? (await freePort());
  const host = options.host ?? '127.0.0.1';
  const secure = options.env?.['TLS'] === 'self-signed' || options.env?.['TLS_CERT'] !== undefined;
  const authority = `${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const baseUrl = `${secure ? 'https' : 'http'}://${authority}`;
  const server = runServer({ ...options, env: { PORT: String(port), HOST: host, ...options.env } });
  const ready = options.ready ?? { printed: `serving on http://${host}:${port}` };
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  try {
    if ('printed' in ready) await server.waitForOutput(ready.printed, timeoutMs);
    else await waitUntilServing(new URL(ready.serves, baseUrl).href, server.child, timeoutMs);
  } catch (error) {
    // A server that never got ready must not outlive the test that started it.
    await server.crash();
    const { message } = error as Error;
    throw new Error(message.includes(server.output()) ? message : `${message}\n--- server output ---\n${server.output()}`);
  }
  return { ...server, port, baseUrl, wsUrl: `${secure ? 'wss' : 'ws'}://${authority}/ws` };
}

async function waitUntilServing(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!isRunning(child)) throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before serving ${url}`);
    try {
      const status = await statusOf(url);
      if (status === 200) return;
      last = `HTTP ${status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((wake) => setTimeout(wake, 100));
  }
  throw new Error(`the server did not serve ${url} within ${timeoutMs} ms (last: ${last})`);
}

/** GET `url`; over https, whatever the certificate (the tests make self-signed ones). No kept-alive socket. */
function statusOf(url: string): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const onResponse = (response: IncomingMessage) => {
      response.resume();
      resolveStatus(response.statusCode ?? 0);
    };
    const sent = url.startsWith('https:')
      ? httpsRequest(url, { agent: false, rejectUnauthorized: false }, onResponse)
      : httpRequest(url, { agent: false }, onResponse);
    sent.setTimeout(2_000, () => sent.destroy(new Error('no answer within 2 s')));
    sent.once('error', reject);
    sent.end();
  });
}
