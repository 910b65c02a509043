import { DUET_CONFIG, DuetConfig } from '@duet/server/config';
import { AUTH_SETTINGS_PATH, AuthSettings } from '@duet/shared/protocol';
import { Controller, Get, Header, Inject } from '@nestjs/common';

/**
 * `GET /auth/settings`: how the web app signs people in, so the app needs no build-time
 * configuration. No authentication (the app asks before anyone is signed in); nothing in it is a
 * secret. Not cached: a changed setting takes effect at the next page load.
 */
@Controller(AUTH_SETTINGS_PATH.slice(1))
export class AuthSettingsController {
  private readonly settings: AuthSettings;

  constructor(@Inject(DUET_CONFIG) config: DuetConfig) {
    this.settings = authSettings(config);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  get(): AuthSettings {
    return this.settings;
  }
}

export function authSettings({ auth }: DuetConfig): AuthSettings {
  return auth.mode === 'oidc' ? { mode: 'oidc', issuer: auth.issuer, clientId: auth.clientId, scopes: auth.scopes } : { mode: auth.mode };
}
