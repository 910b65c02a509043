import type { Server } from 'node:http';

/**
 * The loopback HTTP servers a spec starts, closed after each test: their sockets first (fetch keeps
 * pooled ones open), then a few turns of the event loop until Node's handle list has let go of them,
 * so the leak check sees nothing left behind.
 */
export function loopbackServers(): Server[] {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    for (let turn = 0; turn < 1_000 && process.getActiveResourcesInfo().some((type) => type.startsWith('TCP')); turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
  return servers;
}
