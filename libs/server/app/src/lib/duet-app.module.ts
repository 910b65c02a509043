import { DuetConfig } from '@duet/server/config';
import { SignalingModule } from '@duet/server/signaling';
import { WebHostModule } from '@duet/server/web-host';
import { DynamicModule, Module } from '@nestjs/common';

/** The whole server: signaling on `/ws`, the web app on `/`. Wiring only. */
@Module({})
export class DuetAppModule {
  static forRoot(config: DuetConfig): DynamicModule {
    return {
      module: DuetAppModule,
      imports: [
        SignalingModule.forRoot({ iceServers: config.iceServers, presenceLimit: config.presenceLimit }),
        WebHostModule.forRoot(config.webRoot),
      ],
    };
  }
}
