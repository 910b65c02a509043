import { DuetConfig } from '@duet/server/config';
import { WebHostModule } from '@duet/server/web-host';
import { DynamicModule, Module } from '@nestjs/common';
import { DuetExtensions, DuetModule } from './duet.module';

/** Extensions of the standalone server; `imports` are not needed there (nothing else is in the app). */
export type DuetAppExtensions = Omit<DuetExtensions, 'imports'>;

/** The whole standalone server: signaling on `/ws`, the web app on `/`. Wiring only. */
@Module({})
export class DuetAppModule {
  static forRoot(config: DuetConfig, extensions: DuetAppExtensions = {}): DynamicModule {
    return {
      module: DuetAppModule,
      imports: [DuetModule.forRoot({ config, ...extensions }), WebHostModule.forRoot(config.webRoot)],
    };
  }
}
