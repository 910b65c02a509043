import { requireBuilt, SERVER_MAIN, StartedServer, startServerProcess, WEB_ROOT } from '@duet/testing/processes';
import { join } from 'node:path';

/** The production server serving the built web app; `stop()` is its SIGTERM shutdown, `crash()` a SIGKILL. */
export type RunningServer = StartedServer;

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
 * Starts the real production server (`node dist/apps/server/main.js`) with the built web app and
 * waits until it serves `/`. With TLS (TLS=self-signed or TLS_CERT) the base URL is https://; the
 * certificate is not checked.
 */
export async function startServer({ env, ...options }: ServerOptions = {}): Promise<RunningServer> {
  requireBuilt([SERVER_MAIN, join(WEB_ROOT, 'index.html')], 'run "npx nx run web-e2e:e2e", which builds server and web first');
  // 40 s: a server starts in about a second, but on a machine many times oversubscribed (run I of
  // issue 25: load 20 on 2 cores) a JWT-mode server with its database took over 20 s to serve.
  // The bound only matters when it fails; it leaves Chromium 20 s of browserSuite's 60 s hook.
  return startServerProcess({ ...options, env: { WEB_ROOT, ...env }, ready: { serves: '/' }, readyTimeoutMs: 40_000 });
}
