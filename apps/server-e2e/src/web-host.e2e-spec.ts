import { startTestServer, TEST_INDEX_HTML, TestServer } from './support/test-server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('web host', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.close();
  });

  it('serves the web app at / and falls back to it for app routes', async () => {
    server = await startTestServer();
    for (const path of ['/', '/call/bob']) {
      const response = await fetch(`${server.httpUrl}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(TEST_INDEX_HTML);
    }
  });

  it('serves a page that says how to build the app when it is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'duet-empty-'));
    server = await startTestServer({ webRoot: empty });
    const response = await fetch(`${server.httpUrl}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('the web app is not built');
    rmSync(empty, { recursive: true });
  });
});
