import * as processes from '@duet/testing/processes';

export { freePort, waitFor } from '@duet/testing/processes';

/** The production bundle, run the way `npm start` runs it. Built by the e2e target's dependency. */
export const MAIN = processes.SERVER_MAIN;

export function requireBuiltServer(): void {
  processes.requireBuilt([MAIN], 'run "npx nx build server" (the e2e target does)');
}

/** The lib's server process, except that `stop()` kills it (SIGKILL): these suites test shutdown by hand. */
export type ServerProcess = processes.ServerProcess;

function killedOnStop<T extends ServerProcess>(server: T): T {
  return { ...server, stop: server.crash };
}

export function runServer(env: Record<string, string>, cwd?: string): ServerProcess {
  return killedOnStop(processes.runServer({ env, cwd }));
}

/** Starts the production server on a loopback port (a free one by default) and waits until it says it is serving. */
export async function startServerProcess(
  env: Record<string, string> = {},
  port?: number,
  { cwd, readyText }: { cwd?: string; readyText?: string } = {},
): Promise<processes.StartedServer> {
  const ready = readyText === undefined ? undefined : { printed: readyText };
  return killedOnStop(await processes.startServerProcess({ env, port, cwd, ready }));
}

export function waitForOutput(server: ServerProcess, text: string, timeoutMs = 60_000): Promise<void> {
  return server.waitForOutput(text, timeoutMs);
}
