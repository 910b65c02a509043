import { AuthConfig } from '@duet/server/config';
import { AnonymousAuthenticator, ConnectionAuthenticator } from './connection-authenticator';
import { JwtAuthenticator } from './jwt-authenticator';

/** The authenticator `AUTH_MODE` asks for (none, or JWT with a secret, key file or JWKS). */
export function builtInAuthenticator(config: AuthConfig): ConnectionAuthenticator {
  return config.mode === 'jwt' ? new JwtAuthenticator(config) : new AnonymousAuthenticator();
}
