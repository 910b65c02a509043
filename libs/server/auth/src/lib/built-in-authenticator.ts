import { AuthConfig } from '@duet/server/config';
import { AnonymousAuthenticator, ConnectionAuthenticator } from './connection-authenticator';
import { JwtAuthenticator } from './jwt-authenticator';
import { OidcDiscovery } from './oidc-discovery';

/**
 * Where a company sign-in's name is, unless OIDC_USERNAME_CLAIM says: the login name if the
 * provider sends one, else the e-mail address, else the subject (an opaque id, but unique).
 */
export const OIDC_USERNAME_CLAIMS = ['preferred_username', 'email', 'sub'] as const;

/**
 * The authenticator `AUTH_MODE` asks for: none; JWT with a secret, key file or JWKS; or OIDC, the
 * JWT verification of the provider's ID tokens (keys from `discovery`, audience the client id).
 */
export function builtInAuthenticator(config: AuthConfig, discovery?: OidcDiscovery | null): ConnectionAuthenticator {
  switch (config.mode) {
    case 'none':
      return new AnonymousAuthenticator();
    case 'jwt':
      return new JwtAuthenticator(config);
    case 'oidc':
      if (!discovery) throw new Error('AUTH_MODE=oidc needs the provider\'s discovery document: await discoverOidc(issuer) first');
      return new JwtAuthenticator({
        jwksUrl: discovery.jwksUri,
        jwksCooldownMs: config.jwksCooldownMs,
        issuer: discovery.issuer,
        audience: config.clientId,
        usernameClaim: config.usernameClaim ?? OIDC_USERNAME_CLAIMS,
      });
  }
}
