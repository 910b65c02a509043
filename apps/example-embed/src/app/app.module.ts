import { DuetModule } from '@duet/server/app';
import { loadConfig } from '@duet/server/config';
import { Module } from '@nestjs/common';
import { AccountController } from './account.controller';
import { SessionCookieAuthenticator } from './session-cookie.authenticator';
import { SessionsModule } from './sessions.module';

/**
 * An existing application that adds calls: its own module, controller, guard and sessions, plus
 * Duet's signaling, whose authenticator injects the application's session store.
 */
@Module({
  imports: [
    SessionsModule,
    DuetModule.forRootAsync({
      imports: [SessionsModule],
      authenticator: SessionCookieAuthenticator,
      // Your own settings source goes here (e.g. inject ConfigService); the environment is the default.
      useFactory: () => loadConfig(),
    }),
  ],
  controllers: [AccountController],
})
export class AppModule {}
