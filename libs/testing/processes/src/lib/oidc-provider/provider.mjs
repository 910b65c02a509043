// A real OpenID provider (oidc-provider, the certified Node implementation) for tests, run by
// `node` in its own process: oidc-provider is ESM-only and Jest cannot load it. Started by
// oidc-provider.ts (startOidcProvider), which passes the settings as JSON in OIDC_TEST_PROVIDER.
// Test-only: an accepting login page (any password) and admin calls under /test-admin/<key>/.
import Provider from 'oidc-provider';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { MemoryStore } from './memory-store.mjs';
import { loginPage, logoutPage } from './pages.mjs';

const settings = JSON.parse(process.env.OIDC_TEST_PROVIDER ?? '{}');
const issuer = `http://127.0.0.1:${settings.port}`;
const cookieKeys = [randomUUID()];
/** Every key the JWKS publishes, newest first: oidc-provider signs with the first one. */
let keys = [newSigningKey()];
let provider = makeProvider();
let handle = provider.callback();

function newSigningKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

/** Names are the login names; `sub` differs on purpose, so a test proves which claim named the user. */
function account(accountId) {
  const login = accountId.replace(/^user:/, '');
  const email = login.includes('@') ? login : `${login}@duet.test`;
  return {
    accountId,
    claims: async () => ({ sub: accountId, preferred_username: login, email, email_verified: true }),
  };
}

/** A Provider over the shared store: a key rotation builds a new one, sessions and tokens carry over. */
function makeProvider() {
  const ttl = settings.ttl ?? {};
  const created = new Provider(issuer, {
    adapter: MemoryStore,
    clients: settings.clients,
    jwks: { keys },
    cookies: { keys: cookieKeys },
    claims: { openid: ['sub'], profile: ['preferred_username'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    // Like Keycloak and Entra: the ID token of a code flow carries the profile claims too.
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => account(id),
    // Consent is the login page's: every scope asked for is granted at once.
    loadExistingGrant: async (ctx) => {
      const { client, session } = ctx.oidc;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const grant = (grantId && (await ctx.oidc.provider.Grant.find(grantId))) ||
        new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
    // Whatever the scopes (oidc-provider's default wants offline_access, which it drops from a request whose prompt lacks consent).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // CORS: oidc-provider's default clientBasedCORS already lets a public client's redirect-URI
    // origins (Duet's) call the token endpoint from the browser, as Keycloak's "Web origins" does.
    ttl: {
      AccessToken: ttl.accessToken ?? 300,
      IdToken: ttl.idToken ?? 300,
      RefreshToken: ttl.refreshToken ?? 3600,
      Session: ttl.session ?? 3600,
      Grant: 3600,
      Interaction: 600,
      AuthorizationCode: 60,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: logoutPage },
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Error</title><h1>${escape(out.error)}</h1><p>${escape(out.error_description ?? '')}</p>`;
    },
  });
  // What a failing test wants to read in output(): every error the provider answered with, and why.
  for (const event of ['server_error', 'authorization.error', 'grant.error', 'end_session.error', 'backchannel.error']) {
    created.on(event, (_ctx, error) => console.error(`${event}: ${error.error ?? error.name}: ${error.error_description ?? error.message}`));
  }
  return created;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** The login page and its two answers: sign in (any password) or cancel (access_denied). */
async function interaction(req, res, path) {
  const [, uid, action] = path.split('/').filter(Boolean);
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'text/plain', 'unknown interaction');
  if (req.method === 'GET' && !action) {
    return send(res, 200, 'text/html; charset=utf-8', loginPage(uid, details.params.client_id));
  }
  if (req.method === 'POST' && action === 'login') {
    const login = ((await readForm(req)).get('login') ?? '').trim();
    if (!login) return send(res, 200, 'text/html; charset=utf-8', loginPage(uid, details.params.client_id, 'Enter a name.'));
    return provider.interactionFinished(req, res, { login: { accountId: `user:${login}` } }, { mergeWithLastSubmission: false });
  }
  if (req.method === 'POST' && action === 'abort') {
    const result = { error: 'access_denied', error_description: 'End-User aborted interaction' };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  send(res, 404, 'text/plain', 'not found');
}

/** Test-only admin calls: rotate the signing key, expire every refresh token, end every session. */
async function admin(req, res, action, query) {
  if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only');
  if (action === 'rotate-key') {
    const fresh = newSigningKey();
    keys = query.get('keepOld') === 'false' ? [fresh] : [fresh, ...keys];
    provider = makeProvider();
    handle = provider.callback();
    return send(res, 200, 'application/json', JSON.stringify({ kid: fresh.kid, kids: keys.map((key) => key.kid) }));
  }
  if (action === 'expire-refresh-tokens') {
    return send(res, 200, 'application/json', JSON.stringify({ expired: MemoryStore.expireAll('RefreshToken') }));
  }
  if (action === 'end-sessions') {
    return send(res, 200, 'application/json', JSON.stringify({ ended: MemoryStore.removeAll('Session') }));
  }
  send(res, 404, 'text/plain', 'not found');
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', issuer);
  const adminPrefix = `/test-admin/${settings.adminKey}/`;
  const handled = url.pathname.startsWith('/interaction/')
    ? interaction(req, res, url.pathname)
    : url.pathname.startsWith(adminPrefix)
      ? admin(req, res, url.pathname.slice(adminPrefix.length), url.searchParams)
      : handle(req, res);
  Promise.resolve(handled).catch((error) => {
    console.error(`oidc test provider: ${req.method} ${url.pathname} failed: ${error?.stack ?? error}`);
    if (!res.headersSent) send(res, 500, 'text/plain', String(error?.message ?? error));
    else res.destroy();
  });
});

server.listen(settings.port, '127.0.0.1', () => console.log(`oidc test provider serving ${issuer}`));
// An orphan (the test runner killed before it could stop us) ends itself rather than hold the port.
setInterval(() => {
  try {
    process.kill(settings.parentPid, 0);
  } catch {
    process.exit(0);
  }
}, 2_000).unref();
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
