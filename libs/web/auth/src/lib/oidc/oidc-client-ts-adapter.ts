import { ErrorResponse, ErrorTimeout, User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { OidcClient, OidcFailure, OidcSession, jwtTimes } from './oidc-client';

export interface OidcClientSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly scopes: string;
  /** Registered at the provider (docs/auth.md): `<origin>/auth/callback` and `<origin>/`. */
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
}

/** Provider calls (discovery, token exchange, refresh) give up after this: a dead provider must not hang the page. */
const REQUEST_TIMEOUT_SECONDS = 10;

/** oidc-client-ts behind OidcClient; part of the lazy oidc chunk (start-oidc-sign-in.ts). */
export function createOidcClient(settings: OidcClientSettings): OidcClient {
  // sessionStorage: the tokens and the redirect's state live as long as the tab (README).
  const store = new WebStorageStateStore({ store: window.sessionStorage });
  const manager = new UserManager({
    authority: settings.issuer,
    client_id: settings.clientId,
    scope: settings.scopes,
    response_type: 'code',
    redirect_uri: settings.redirectUri,
    post_logout_redirect_uri: settings.postLogoutRedirectUri,
    userStore: store,
    stateStore: store,
    // Renewal is the flow's (refresh token, on its own schedule); no iframes, no session polling.
    automaticSilentRenew: false,
    monitorSession: false,
    loadUserInfo: false,
    requestTimeoutInSeconds: REQUEST_TIMEOUT_SECONDS,
  });
  return new OidcClientTs(manager);
}

class OidcClientTs implements OidcClient {
  constructor(private readonly manager: UserManager) {}

  async storedSession(): Promise<OidcSession | null> {
    // Redirect states the person never came back from (a closed tab at the provider, a log-out).
    await this.manager.clearStaleState().catch(() => undefined);
    const user = await this.manager.getUser().catch(() => null);
    return user === null ? null : toSession(user);
  }

  completeSignIn(url: string): Promise<{ session: OidcSession; returnTo: unknown }> {
    return this.call(async () => {
      const user = await this.manager.signinRedirectCallback(url);
      const session = toSession(user);
      if (session === null) throw new OidcFailure('failed', null, 'the provider returned no ID token');
      // The `state` given to signinRedirect, kept in this tab's state store (never sent to the provider).
      return { session, returnTo: user.state };
    });
  }

  refresh(): Promise<OidcSession> {
    return this.call(async () => {
      const user = await this.manager.signinSilent();
      const session = user === null ? null : toSession(user);
      if (session === null) throw new OidcFailure('failed', null, 'the renewal returned no ID token');
      return session;
    });
  }

  startSignIn(returnTo: string): Promise<void> {
    return this.call(() => this.manager.signinRedirect({ state: returnTo }));
  }

  signOut(idToken: string): Promise<void> {
    return this.call(() => this.manager.signoutRedirect({ id_token_hint: idToken }));
  }

  forget(): Promise<void> {
    return this.manager.removeUser();
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toFailure(error);
    }
  }
}

/** Null when the user has no usable ID token (Duet verifies that token, nothing else). */
function toSession(user: User): OidcSession | null {
  const times = user.id_token === undefined ? null : jwtTimes(user.id_token);
  if (user.id_token === undefined || times === null) return null;
  const accessExpiresAt = user.expires_at === undefined ? Infinity : user.expires_at * 1000;
  return {
    idToken: user.id_token,
    issuedAt: times.issuedAt,
    expiresAt: Math.min(times.expiresAt, accessExpiresAt),
    canRefresh: user.refresh_token !== undefined && user.refresh_token !== '',
  };
}

function toFailure(error: unknown): OidcFailure {
  if (error instanceof OidcFailure) return error;
  if (error instanceof ErrorResponse) return new OidcFailure('refused', error.error, `provider error ${error.error ?? 'unknown'}`);
  // fetch() rejects with a TypeError when the provider cannot be reached at all.
  if (error instanceof ErrorTimeout || error instanceof TypeError) return new OidcFailure('unreachable', null, String(error));
  return new OidcFailure('failed', null, error instanceof Error ? error.message : String(error));
}
