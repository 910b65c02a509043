import { AuthModule, ConnectionAuthenticator } from '@duet/server/auth';
import { DuetConfig } from '@duet/server/config';
import { SignalingModule, UserRegistryService } from '@duet/server/signaling';
import { WebHostModule } from '@duet/server/web-host';
import { DynamicModule, Module, Type } from '@nestjs/common';

export interface DuetAppExtensions {
  /** An authenticator of your own instead of AUTH_MODE's (see docs/auth.md). */
  readonly authenticator?: Type<ConnectionAuthenticator>;
  /** A registry of your own instead of the in-memory one (tests use an inspectable one). */
  readonly registry?: Type<UserRegistryService>;
}

/** The whole server: signaling on `/ws`, the web app on `/`. Wiring only. */
@Module({})
export class DuetAppModule {
  static forRoot(config: DuetConfig, extensions: DuetAppExtensions = {}): DynamicModule {
    return {
      module: DuetAppModule,
      imports: [
        AuthModule.forRoot({ config: config.auth, authenticator: extensions.authenticator }),
        SignalingModule.forRoot({
          iceServers: config.iceServers,
          iceTransportPolicy: config.iceTransportPolicy,
          presenceLimit: config.presenceLimit,
          publicOrigin: config.publicOrigin,
          allowedOrigins: config.allowedOrigins,
          limits: config.limits,
          registry: extensions.registry,
        }),
        WebHostModule.forRoot(config.webRoot),
      ],
    };
  }
}
