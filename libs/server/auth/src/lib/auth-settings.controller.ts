import { DUET_CONFIG, DuetConfig } from '@duet/server/config';
import { AccountSettings, AUTH_SETTINGS_PATH, AuthSettings } from '@duet/shared/protocol';
import { Controller, Get, Header, Inject, Optional } from '@nestjs/common';

/**
 * DI token of what `/auth/settings` says about accounts (the push key), provided by whoever wires
 * the accounts (DuetModule, when `config.accounts` is set); absent: the server keeps no accounts.
 */
export const ACCOUNT_SETTINGS = Symbol('ACCOUNT_SETTINGS');

/**
 * `GET /auth/settings`: how the web app signs people in, so the app needs no build-time
 * configuration. No authentication (the app asks before anyone is signed in); nothing in it is a
 * secret. Not cached: a changed setting takes effect at the next page load.
 */
@Controller(AUTH_SETTINGS_PATH.slice(1))
export class AuthSettingsController {
  private readonly settings: AuthSettings;

  constructor(@Inject(DUET_CONFIG) config: DuetConfig, @Optional() @Inject(ACCOUNT_SETTINGS) accounts?: AccountSettings) {
    this.settings = authSettings(config, accounts);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  get(): AuthSettings {
    return this.settings;
  }
}

export function authSettings({ auth }: DuetConfig, accounts?: AccountSettings): AuthSettings {
  if (auth.mode === 'none') return { mode: 'none' };
  const withAccounts = accounts === undefined ? {} : { accounts };
  return auth.mode === 'oidc' ? { mode: 'oidc', issuer: auth.issuer, clientId: auth.clientId, scopes: auth.scopes, ...withAccounts } : { mode: 'jwt', ...withAccounts };
}
