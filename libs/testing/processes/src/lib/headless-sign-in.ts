import { createHash, randomBytes } from 'node:crypto';
import { DUET_CLIENT_ID, OidcProvider } from './oidc-provider';

/** What the provider's token endpoint answered: real tokens, signed by its current key. */
export interface ProviderTokens {
  readonly idToken: string;
  readonly accessToken: string;
  /** Every client of the test provider gets one (its `issueRefreshToken` says so). */
  readonly refreshToken: string;
  /** Seconds, as the token endpoint said. */
  readonly expiresIn: number;
}

export interface HeadlessSignInOptions {
  readonly username: string;
  /** Duet's client by default. */
  readonly clientId?: string;
  /** One of the client's registered redirect URIs (the browser is never sent there). */
  readonly redirectUri: string;
  readonly scope?: string;
  /** Press Cancel at the login page instead: the provider answers access_denied (thrown). */
  readonly cancel?: boolean;
  /** The browser's cookies at the provider, to sign in again within its session; a fresh jar by default. */
  readonly cookies?: CookieJar;
}

/** Cookies by name, as a browser would keep them for the provider's one origin. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const expired = attributes.some((attribute) => /^\s*expires=/i.test(attribute) && Date.parse(attribute.split('=')[1]) <= Date.now());
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(at + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/**
 * The authorization code flow with PKCE, as a browser would run it, over fetch with a cookie jar:
 * authorize, fill the provider's login page (any password), follow the redirects up to the client's
 * redirect URI, then exchange the code. For tests that need a real token for a given client and user.
 */
export async function headlessSignIn(provider: OidcProvider, options: HeadlessSignInOptions): Promise<ProviderTokens> {
  const { username, redirectUri, clientId = DUET_CLIENT_ID, scope = 'openid profile email offline_access' } = options;
  const verifier = base64url(randomBytes(32));
  const state = base64url(randomBytes(16));
  const jar = options.cookies ?? new CookieJar();
  const authorize = new URL('/auth', provider.issuer);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state,
    nonce: base64url(randomBytes(16)),
    code_challenge: base64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  }).toString();

  let url = authorize.href;
  for (let hop = 0; !url.startsWith(redirectUri); hop += 1) {
    if (hop === 10) throw new Error(`headlessSignIn: no redirect to ${redirectUri} after 10 hops (at ${url})`);
    // The login page's form posts to <interaction>/login, its Cancel to <interaction>/abort.
    const atLoginPage = /^\/interaction\/[^/]+$/.test(new URL(url).pathname);
    const response = await fetch(atLoginPage ? `${url}/${options.cancel ? 'abort' : 'login'}` : url, {
      method: atLoginPage ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(atLoginPage && { 'content-type': 'application/x-www-form-urlencoded' }) },
      body: atLoginPage ? new URLSearchParams({ login: username, password: 'any' }).toString() : undefined,
    });
    jar.keep(response);
    const location = response.headers.get('location');
    if (!location) throw new Error(`headlessSignIn: ${url} answered HTTP ${response.status} without a redirect: ${await response.text()}`);
    await response.body?.cancel();
    url = new URL(location, url).href;
  }

  const answer = new URL(url).searchParams;
  if (answer.get('error')) throw new Error(`headlessSignIn: the provider answered ${answer.get('error')}: ${answer.get('error_description')}`);
  if (answer.get('state') !== state) throw new Error('headlessSignIn: the state came back changed');
  const tokens = await tokenRequest(provider, {
    grant_type: 'authorization_code',
    code: answer.get('code') ?? '',
    redirect_uri: redirectUri,
    client_id: clientId,
    code_verifier: verifier,
  });
  return tokens;
}

/** The refresh token grant, as a public client sends it; rejects with the provider's error (e.g. `invalid_grant`). */
export function refreshTokens(provider: OidcProvider, refreshToken: string, clientId = DUET_CLIENT_ID): Promise<ProviderTokens> {
  return tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });
}

async function tokenRequest(provider: OidcProvider, form: Record<string, string>): Promise<ProviderTokens> {
  const response = await fetch(new URL('/token', provider.issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await response.json()) as Record<string, string | number | undefined>;
  if (!response.ok) throw new Error(`the token endpoint answered ${response.status}: ${body['error']} (${body['error_description']})`);
  if (!body['id_token'] || !body['refresh_token']) throw new Error(`the token endpoint left out a token: ${Object.keys(body).join(', ')}`);
  return {
    idToken: String(body['id_token']),
    accessToken: String(body['access_token']),
    refreshToken: String(body['refresh_token']),
    expiresIn: Number(body['expires_in']),
  };
}
