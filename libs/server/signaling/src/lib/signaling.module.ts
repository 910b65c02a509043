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

export interface SignalingModuleOptions extends SignalingOptions {
  /** The registry implementation; in-memory unless a scale-out module supplies another. */
  readonly registry?: Type<UserRegistryService>;
}

@Module({})
export class SignalingModule {
  static forRoot({ registry = InMemoryUserRegistry, ...options }: SignalingModuleOptions): DynamicModule {
    return {
      module: SignalingModule,
      controllers: [AdmissionController],
      providers: [
        { provide: SIGNALING_OPTIONS, useValue: options },
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
