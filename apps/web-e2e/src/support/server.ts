import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');
export const SERVER_MAIN = join(ROOT, 'dist/apps/server/main.js');
export const WEB_ROOT = join(ROOT, 'dist/apps/web/browser');

export interface RunningServer {
  baseUrl: string;
  port: number;
  /** Everything the server printed, for failure messages. */
  output(): string;
  /** Waits until the server has printed `text` (logs may trail the moment it first serves). */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  /** SIGKILL: the process dies on the spot, closing nothing (a crash, an OOM kill, a pulled plug). */
  crash(): Promise<void>;
}

/** A port the OS just handed out; the tiny window before the server binds it is acceptable here. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export interface ServerOptions {
  /** Reuse a port (to restart "the same" server); a free one by default. */
  port?: number;
  env?: Record<string, string>;
  /** HOST: loopback by default; `0.0.0.0` to be reachable at this machine's other addresses too. */
  host?: string;
  /** The working directory (TLS=self-signed keeps its certificate under it, in .duet/tls). */
  cwd?: string;
}

/**
 * Starts the real production server (`node dist/apps/server/main.js`) and waits until it serves `/`.
 * With TLS (TLS=self-signed or TLS_CERT) the base URL is https://; the certificate is not checked.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  for (const path of [SERVER_MAIN, join(WEB_ROOT, 'index.html')]) {
    if (!existsSync(path)) {
      throw new Error(`${path} is missing: run "npx nx run web-e2e:e2e", which builds server and web first`);
    }
  }
  const port = options.port ?? (await freePort());
  const host = options.host ?? '127.0.0.1';
  const secure = options.env?.['TLS'] === 'self-signed' || options.env?.['TLS_CERT'] !== undefined;
  const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  const baseUrl = `${secure ? 'https' : 'http'}://${urlHost}:${port}`;
  const child = spawn(process.execPath, [SERVER_MAIN], {
    env: { ...process.env, PORT: String(port), HOST: host, WEB_ROOT, ...options.env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const printed = new Set<() => void>();
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk) => {
      output += chunk;
      printed.forEach((listener) => listener());
    });
  }
  const waitForOutput = (text: string, timeoutMs = 10_000) =>
    new Promise<void>((resolveWait, reject) => {
      const check = () => {
        if (!output.includes(text)) return;
        clearTimeout(timer);
        printed.delete(check);
        resolveWait();
      };
      const timer = setTimeout(() => {
        printed.delete(check);
        reject(new Error(`the server did not print "${text}" within ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      printed.add(check);
      check();
    });
  try {
    await waitUntilServing(`${baseUrl}/`, child, 20_000);
  } catch (error) {
    await stop(child);
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output}`);
  }
  return { baseUrl, port, output: () => output, waitForOutput, stop: () => stop(child), crash: () => crash(child) };
}

async function waitUntilServing(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before serving ${url}`);
    }
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

function crash(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}
