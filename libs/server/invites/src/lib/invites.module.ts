import { DUET_CONFIG, DuetConfig } from '@duet/server/config';
import { ServerKeyStore } from '@duet/server/storage';
import { DynamicModule, Module } from '@nestjs/common';
import { GuestSessionsController } from './guest-sessions.controller';
import { InviteChecks } from './invite-checks';
import { resolveInviteKey } from './invite-key';
import { InviteTokens } from './invite-tokens';
import { InvitesController } from './invites.controller';
import { RequestOrigin } from './request-origin';

/**
 * Guest invite links (issue 25), only with accounts (AUTH_MODE jwt or oidc): `/api/invites`,
 * `/api/guest-sessions` and `/api/guest-sessions/preview`, the invite key (resolved while the
 * application starts) and `InviteChecks`, which `guestAware()` wraps the application's
 * authenticator with. Needs, in scope: `DUET_CONFIG`, a `ConnectionAuthenticator`, the stores
 * (`StorageModule`), and signaling's `UserRegistryService`, `GuestSessions` and `InviteRevocations`.
 * Global, so the application's authenticator factory finds `InviteChecks`.
 */
@Module({})
export class InvitesModule {
  static forRoot(): DynamicModule {
    return {
      module: InvitesModule,
      global: true,
      controllers: [InvitesController, GuestSessionsController],
      providers: [
        {
          provide: InviteTokens,
          useFactory: async (config: DuetConfig, keys: ServerKeyStore) => new InviteTokens(await resolveInviteKey(invitesOf(config), keys)),
          inject: [DUET_CONFIG, ServerKeyStore],
        },
        InviteChecks,
        RequestOrigin,
      ],
      exports: [InviteTokens, InviteChecks],
    };
  }
}

function invitesOf(config: DuetConfig): NonNullable<DuetConfig['accounts']>['invites'] {
  if (config.accounts === undefined) throw new Error('InvitesModule needs accounts (AUTH_MODE=jwt or oidc): do not import it with AUTH_MODE=none');
  return config.accounts.invites;
}
