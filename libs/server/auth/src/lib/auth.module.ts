import { AuthConfig } from '@duet/server/config';
import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { AnonymousAuthenticator, ConnectionAuthenticator } from './connection-authenticator';
import { JwtAuthenticator } from './jwt-authenticator';

export interface AuthModuleOptions {
  /** Built-in modes, from AUTH_MODE and friends. */
  readonly config: AuthConfig;
  /** Your own authenticator; replaces the built-in mode. It may inject anything the app provides. */
  readonly authenticator?: Type<ConnectionAuthenticator>;
}

/** Provides the `ConnectionAuthenticator` that the signaling endpoint consults at every upgrade. */
@Module({})
export class AuthModule {
  static forRoot({ config, authenticator }: AuthModuleOptions): DynamicModule {
    const provider: Provider = authenticator
      ? { provide: ConnectionAuthenticator, useClass: authenticator }
      : { provide: ConnectionAuthenticator, useValue: builtIn(config) };
    return { module: AuthModule, global: true, providers: [provider], exports: [ConnectionAuthenticator] };
  }
}

function builtIn(config: AuthConfig): ConnectionAuthenticator {
  return config.mode === 'jwt' ? new JwtAuthenticator(config) : new AnonymousAuthenticator();
}
