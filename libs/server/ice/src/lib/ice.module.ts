import { IceConfig } from '@duet/server/config';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { ConfiguredIceServerIssuer, IceServerIssuer } from './ice-server-issuer';

export interface IceModuleOptions {
  readonly config: IceConfig;
  /** An issuer of your own (e.g. credentials from your TURN provider's API) instead of the configured one. */
  readonly issuer?: Type<IceServerIssuer>;
}

@Module({})
export class IceModule {
  static forRoot({ config, issuer }: IceModuleOptions): DynamicModule {
    return {
      module: IceModule,
      global: true,
      providers: [issuer ? { provide: IceServerIssuer, useClass: issuer } : { provide: IceServerIssuer, useValue: new ConfiguredIceServerIssuer(config) }],
      exports: [IceServerIssuer],
    };
  }
}
