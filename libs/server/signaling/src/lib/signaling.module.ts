import { DUET_CONFIG, DuetConfig } from '@duet/server/config';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { AdmissionController } from './admission.controller';
import { InMemoryUserRegistry } from './in-memory-user-registry.service';
import { PresenceService } from './presence.service';
import { ResumeService } from './resume.service';
import { SIGNALING_OPTIONS, SignalingOptions } from './signaling-options';
import { SignalingGateway } from './signaling.gateway';
import { SignalingService } from './signaling.service';
import { UpgradeGuard } from './transport/upgrade-guard';
import { UserRegistryService } from './user-registry.service';

export interface SignalingModuleOptions {
  /** The registry implementation; in-memory unless a scale-out module supplies another. */
  readonly registry?: Type<UserRegistryService>;
}

/**
 * `/ws` and `/ws/admission`. Needs, from the application: `DUET_CONFIG`, a
 * `ConnectionAuthenticator` and an `IceServerIssuer` (DuetModule provides all three).
 */
@Module({})
export class SignalingModule {
  static forRoot({ registry = InMemoryUserRegistry }: SignalingModuleOptions = {}): DynamicModule {
    return {
      module: SignalingModule,
      controllers: [AdmissionController],
      providers: [
        { provide: SIGNALING_OPTIONS, useFactory: signalingOptions, inject: [DUET_CONFIG] },
        { provide: UserRegistryService, useClass: registry },
        PresenceService,
        ResumeService,
        SignalingService,
        UpgradeGuard,
        SignalingGateway,
      ],
      exports: [UserRegistryService, UpgradeGuard],
    };
  }
}

function signalingOptions(config: DuetConfig): SignalingOptions {
  const { presenceLimit, publicOrigin, allowedOrigins, limits, trustProxy } = config;
  return { presenceLimit, publicOrigin, allowedOrigins, limits, trustProxy };
}
