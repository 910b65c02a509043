import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeCall, OFFER } from './support/call-flow';
import { freePort, requireBuiltServer, runServer, startServerProcess, waitFor, waitForOutput } from './support/server-process';
import { CLIENT_ID, DiscoveryDocument, STANDARD_DOCUMENT, startFakeIssuer } from './support/oidc-issuer';
import { signToken } from './support/tokens';
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
    // The bound plus room for a loaded machine to tear a process down: a hang would blow far past it.
    expect(Date.now() - signalledAt).toBeLessThan(3_000 + 7_000);
    expect(code === 0 || code === null).toBe(true);
  });

  it('keeps serving through SIGUSR2 (a profiler\'s signal: here a heap snapshot), and still shuts down on SIGHUP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duet-sigusr2-'));
    const server = await startServerProcess({ NODE_OPTIONS: '--heapsnapshot-signal=SIGUSR2' }, undefined, { cwd: dir });
    try {
      const url = `ws://127.0.0.1:${server.port}/ws`;
      const alice = await TestClient.loggedIn(url, 'alice');
      server.child.kill('SIGUSR2');
      await waitFor(() => readdirSync(dir).some((file) => file.endsWith('.heapsnapshot')), 30_000, () => `no heap snapshot: ${server.output()}`);
      // The process answers again once the snapshot is written: the open socket and a new one both work.
      const bob = await TestClient.loggedIn(url, 'bob');
      await completeCall(alice, 'alice', bob, 'bob');
      expect(alice.isOpen).toBe(true);
      expect(server.child.exitCode).toBeNull();

      server.child.kill('SIGHUP');
      expect((await alice.closed).code).toBe(1001);
      expect((await bob.closed).code).toBe(1001);
      await server.exited;
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses to start on a bad variable and names it', async () => {
    const server = runServer({ PORT: 'eighty' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('Invalid PORT="eighty"');
  });
});

describe('start-up that explains itself', () => {
  beforeAll(requireBuiltServer);

  /** The lines a failed start wrote: one, naming the variable, without a stack trace. */
  async function failure(env: Record<string, string>): Promise<string[]> {
    const server = runServer(env);
    expect(await server.exited).toBe(1);
    const lines = server.output().trim().split('\n').filter((line) => line.trim() !== '');
    expect(lines.some((line) => /^\s+at /.test(line))).toBe(false);
    return lines;
  }

  it('says in one line which variable to fix when the port is taken, the host unknown, or a key file unreadable', async () => {
    const taken = await startServerProcess();
    try {
      expect((await failure({ PORT: String(taken.port), HOST: '127.0.0.1' })).at(-1)).toBe(
        `Invalid PORT=${taken.port}: the port is in use by another program; stop it or choose another PORT`,
      );
    } finally {
      await taken.stop();
    }
    expect((await failure({ PORT: '0', HOST: 'nonexistent.invalid' })).at(-1)).toBe('Invalid HOST="nonexistent.invalid": no such host name');
    expect((await failure({ PORT: '0', AUTH_MODE: 'jwt', AUTH_JWT_PUBLIC_KEY_FILE: '/nonexistent/key.pem' })).at(-1)).toBe(
      'Invalid AUTH_JWT_PUBLIC_KEY_FILE="/nonexistent/key.pem": cannot use it (ENOENT)',
    );
    const secret = 'short-but-secret';
    const tooShort = await failure({ PORT: '0', AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret });
    expect(tooShort.at(-1)).toBe('Invalid AUTH_JWT_SECRET (value hidden): must be at least 32 characters');
    expect(tooShort.join('\n')).not.toContain(secret);
    // Five server processes, one after another: each start takes seconds on a loaded machine.
  }, 120_000);

  it('refuses company sign-in whose provider cannot be used, in one line naming OIDC_ISSUER', async () => {
    const oidc = (issuer: string) => ({ PORT: '0', AUTH_MODE: 'oidc', OIDC_ISSUER: issuer, OIDC_CLIENT_ID: CLIENT_ID });
    const gone = `http://127.0.0.1:${await freePort()}/oidc`;
    // The whole output: one line.
    expect(await failure(oidc(gone))).toEqual([
      `Invalid OIDC_ISSUER="${gone}": discovery document ${gone}/.well-known/openid-configuration cannot be fetched (ECONNREFUSED)`,
    ]);
    expect(await failure(oidc('http://idp.example.com/oidc'))).toEqual([
      'Invalid OIDC_ISSUER="http://idp.example.com/oidc": must be https:// (plain http only on loopback): keys fetched in the clear could be forged on the way',
    ]);
    const documents: [DiscoveryDocument, string][] = [
      [(issuer) => ({ ...STANDARD_DOCUMENT(issuer), jwks_uri: undefined }), "has no jwks_uri (the provider's signing keys)"],
      [
        (issuer) => ({ ...STANDARD_DOCUMENT(issuer), issuer: 'https://login.other.test' }),
        'names the issuer "https://login.other.test": OIDC_ISSUER must be exactly the provider\'s issuer',
      ],
    ];
    for (const [document, problem] of documents) {
      const provider = await startFakeIssuer(document);
      try {
        expect(await failure(oidc(provider.issuer))).toEqual([
          `Invalid OIDC_ISSUER="${provider.issuer}": discovery document ${provider.issuer}/.well-known/openid-configuration ${problem}`,
        ]);
      } finally {
        await provider.close();
      }
    }
    // Four server processes, one after another.
  }, 120_000);

  it('starts with a usable provider and says what to register there', async () => {
    const provider = await startFakeIssuer();
    try {
      const env = { AUTH_MODE: 'oidc', OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: CLIENT_ID, PUBLIC_URL: 'https://duet.example.com' };
      const server = await startServerProcess(env);
      try {
        expect(server.output()).toContain(`auth oidc (issuer ${provider.issuer}, client ${CLIENT_ID})`);
        expect(server.output()).toContain(
          `Company sign-in at ${provider.issuer} as client ${CLIENT_ID}: register https://duet.example.com/auth/callback as its redirect URI and https://duet.example.com/ as its post-logout redirect URI`,
        );
      } finally {
        await server.stop();
      }
    } finally {
      await provider.close();
    }
  });

  it('logs one line of the settings it runs with, and warns about settings the mode ignores, never a secret', async () => {
    const secret = 's'.repeat(40);
    const server = await startServerProcess({ AUTH_JWT_SECRET: secret, LOG_FORMAT: 'json' });
    try {
      const lines = server.output().trim().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string });
      const settings = lines.filter((line) => line.msg.startsWith('settings: '));
      expect(settings).toHaveLength(1);
      expect(settings[0].msg).toMatch(/port \d+ on 127\.0\.0\.1 · tls off · auth none · registry in-memory/);
      expect(lines.find((line) => line.level === 40)?.msg).toBe(
        'AUTH_JWT_SECRET is set but AUTH_MODE is "none": anyone may connect. Set AUTH_MODE=jwt to require tokens.',
      );
      expect(server.output()).not.toContain(secret);
      // Nest's own start-up chatter stays at debug.
      expect(lines.map((line) => line.msg).filter((msg) => /dependencies initialized|Mapped \{/.test(msg))).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});

describe('logs of a whole call', () => {
  beforeAll(requireBuiltServer);

  it('carry the connection id on every line about a connection, and no SDP, candidate, token or client address', async () => {
    const secret = 'a-test-secret-that-is-long-enough-for-hs256';
    const server = await startServerProcess({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, LOG_FORMAT: 'json', LOG_LEVEL: 'info' });
    try {
      const url = `ws://127.0.0.1:${server.port}/ws`;
      const key = new TextEncoder().encode(secret);
      const tokens = [await signToken(key, 'HS256', { sub: 'alice' }), await signToken(key, 'HS256', { sub: 'bob' })];
      const open = (token: string, localAddress: string) =>
        TestClient.connect(url, { protocols: ['duet', `access_token.${token}`], localAddress });
      const alice = await open(tokens[0], '127.0.0.2');
      const bob = await open(tokens[1], '127.0.0.3');
      for (const [client, name] of [[alice, 'alice'], [bob, 'bob']] as const) {
        client.send({ type: 'login', username: name });
        await client.next('users');
      }
      await completeCall(alice, 'alice', bob, 'bob');
      alice.close();
      bob.close();
      await waitFor(() => (server.output().match(/"msg":"left"/g) ?? []).length === 2, 10_000, () => server.output());
      const output = server.output();
      for (const forbidden of [OFFER.sdp.trim(), 'typ host', 'candidate:', tokens[0], tokens[1], '127.0.0.2', '127.0.0.3']) {
        expect(output).not.toContain(forbidden);
      }
      const aboutUsers = output
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { msg: string; connection?: string; user?: string })
        .filter((line) => line.user !== undefined);
      expect(aboutUsers.map((line) => line.msg).sort()).toEqual(['left', 'left', 'logged in', 'logged in']);
      expect(aboutUsers.every((line) => typeof line.connection === 'string' && line.connection.length > 0)).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
