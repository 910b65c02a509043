import { completeCall } from './support/call-flow';
import { freePort, requireBuiltServer, runServer, waitForOutput } from './support/server-process';
import { TestClient } from './support/test-client';

describe('the production server process', () => {
  beforeAll(requireBuiltServer);

  it('serves a tutorial-protocol call, then shuts down on SIGTERM telling clients 1001, within the bound', async () => {
    const port = await freePort();
    const server = runServer({ PORT: String(port), HOST: '127.0.0.1', SHUTDOWN_TIMEOUT_MS: '3000' });
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
    const server = runServer({ PORT: 'eighty' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('Invalid PORT="eighty"');
  });
});
