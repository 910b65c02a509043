import { DUET_CONFIG, DuetConfig } from '@duet/server/config';
import { ServerKeyStore } from '@duet/server/storage';
import { AccountSettings } from '@duet/shared/protocol';
import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { PushEndpointPolicy } from './endpoint-policy';
import { PushSender } from './push-sender';
import { PushSubscriptionsController } from './push-subscriptions.controller';
import { resolveVapidKeys, VapidKeys } from './vapid-keys';
import { WebPushCalleeDevices } from './web-push-callee-devices';

export interface PushModuleOptions {
  /** Modules that provide `PushSubscriptionStore` and `ServerKeyStore` (the storage module). */
  readonly imports?: ModuleMetadata['imports'];
}

/**
 * Web Push (issue 24): `/api/push-subscriptions`, the VAPID keys (resolved while the application
 * starts), the sender and `WebPushCalleeDevices`. Only with accounts (`config.accounts`, i.e.
 * AUTH_MODE jwt or oidc). Needs `DUET_CONFIG` and a `ConnectionAuthenticator` (DuetModule's) and
 * the stores. Global, so signaling's `accounts.devices: WebPushCalleeDevices` finds what it injects.
 */
@Module({})
export class PushModule {
  static forRoot({ imports = [] }: PushModuleOptions = {}): DynamicModule {
    return {
      module: PushModule,
      global: true,
      imports,
      controllers: [PushSubscriptionsController],
      providers: [
        { provide: PushEndpointPolicy, useFactory: (config: DuetConfig) => new PushEndpointPolicy(accountsOf(config).push.endpointHosts), inject: [DUET_CONFIG] },
        {
          provide: VapidKeys,
          useFactory: (config: DuetConfig, keys: ServerKeyStore) => resolveVapidKeys(accountsOf(config).push, keys),
          inject: [DUET_CONFIG, ServerKeyStore],
        },
        PushSender,
        WebPushCalleeDevices,
      ],
      // The stores too: whoever imports this module can inject what it injects.
      exports: [PushEndpointPolicy, VapidKeys, PushSender, WebPushCalleeDevices, ...imports.filter((module) => !(module instanceof Promise))] as DynamicModule['exports'],
    };
  }
}

/** What `/auth/settings` adds when the server keeps accounts (`AuthSettings.accounts`). */
export function pushAccountSettings(keys: VapidKeys, config: DuetConfig): AccountSettings {
  return { pushPublicKey: keys.publicKey, invites: { defaultTtlHours: accountsOf(config).invites.defaultTtlHours } };
}

function accountsOf(config: DuetConfig): NonNullable<DuetConfig['accounts']> {
  if (config.accounts === undefined) throw new Error('PushModule needs accounts (AUTH_MODE=jwt or oidc): do not import it with AUTH_MODE=none');
  return config.accounts;
}
