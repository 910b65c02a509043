import { loadConfig } from '@duet/server/config';
import { authSettings } from './auth-settings.controller';

describe(authSettings.name, () => {
  it('tells the app each mode, and in oidc mode the public client settings only', () => {
    expect(authSettings(loadConfig({}))).toEqual({ mode: 'none' });
    expect(authSettings(loadConfig({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 's'.repeat(32) }))).toEqual({ mode: 'jwt' });
    const oidc = loadConfig({ AUTH_MODE: 'oidc', OIDC_ISSUER: 'https://login.example.com', OIDC_CLIENT_ID: 'duet', OIDC_USERNAME_CLAIM: 'upn' });
    expect(authSettings(oidc)).toEqual({ mode: 'oidc', issuer: 'https://login.example.com', clientId: 'duet', scopes: 'openid profile email offline_access' });
  });
});
