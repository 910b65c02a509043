import { DUET_CONFIG, DuetConfig } from '@duet/server/config';
import { DynamicModule, Module, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { CalleeDevices, NoCalleeDevices } from './accounts/callee-devices';
import { CallActivation, NoCallActivation } from './call-activation';
import { CallJournal, NoCallJournal } from './accounts/call-journal';
import { CallRecorder } from './accounts/call-recorder';
import { DeviceRingService } from './accounts/device-rings.service';
import { GuestSessions } from './guests/guest-sessions';
import { InviteRevocations, LocalInviteRevocations } from './guests/invite-revocations';
import { RingDeclineController } from './accounts/ring-decline.controller';
import { DeviceRingStore } from './accounts/device-ring-store';
import { InMemoryDeviceRingStore } from './accounts/in-memory-device-ring-store';
import { AdmissionController } from './admission.controller';
import { AvailabilityService } from './availability/availability.service';
import { CredentialsService } from './credentials.service';
import { GuestNotices } from './guests/guest-notices';
import { GuestRules } from './guests/guest-rules';
import { InMemoryUserRegistry } from './in-memory-user-registry.service';
import { PresenceService } from './presence.service';
import { ResumeService } from './resume.service';
import { LocalRingTimer, RingTimer } from './ring-timer';
import { SIGNALING_OPTIONS, SignalingOptions } from './signaling-options';
import { SignalingGateway } from './signaling.gateway';
import { SignalingService } from './signaling.service';
import { SignalingEndpoint } from './transport/signaling-endpoint';
import { UpgradeGuard } from './transport/upgrade-guard';
import { UserRegistryService } from './user-registry.service';

export interface SignalingModuleOptions {
  /** The registry implementation; in-memory unless a scale-out module supplies another. */
  readonly registry?: Type<UserRegistryService>;
  /** The ring timeout's timer; in-memory unless a scale-out module supplies a cluster-wide one. */
  readonly ringTimer?: Type<RingTimer>;
  /** Modules the registry, timer and accounts need (e.g. the Redis connection, the database), imported here. */
  readonly imports?: ModuleMetadata['imports'];
  /** Per-user data (issue 24): none unless given (`AUTH_MODE=none`); see `@duet/server/storage` and `@duet/server/push`. */
  readonly accounts?: SignalingAccounts;
  /** How a revoked invite reaches every instance (issue 25); in-process unless a scale-out module supplies another. */
  readonly inviteRevocations?: Type<InviteRevocations>;
  /** Told of each call that becomes active (e.g. to send the call reports' keys); nothing by default. */
  readonly callActivation?: Type<CallActivation>;
}

/** Where calls are recorded, how offline callees are rung, and where their rings wait. */
export interface SignalingAccounts {
  readonly journal: Type<CallJournal>;
  readonly devices: Type<CalleeDevices>;
  readonly deviceRings: Type<DeviceRingStore>;
}

const NO_ACCOUNTS: SignalingAccounts = { journal: NoCallJournal, devices: NoCalleeDevices, deviceRings: InMemoryDeviceRingStore };

/**
 * `/ws` and `/ws/admission`; with `accounts`, `POST /api/rings/decline` too. Needs, from the
 * application: `DUET_CONFIG`, a `ConnectionAuthenticator` and an `IceServerIssuer` (DuetModule
 * provides all three).
 */
@Module({})
export class SignalingModule {
  static forRoot({ registry = InMemoryUserRegistry, ringTimer = LocalRingTimer, imports = [], accounts, inviteRevocations = LocalInviteRevocations, callActivation = NoCallActivation }: SignalingModuleOptions = {}): DynamicModule {
    return {
      module: SignalingModule,
      imports,
      // Without accounts nobody's devices ring, so there is nothing to decline: the path is a 404.
      controllers: accounts === undefined ? [AdmissionController] : [AdmissionController, RingDeclineController],
      providers: [
        { provide: SIGNALING_OPTIONS, useFactory: signalingOptions, inject: [DUET_CONFIG] },
        { provide: UserRegistryService, useClass: registry },
        { provide: RingTimer, useClass: ringTimer },
        { provide: InviteRevocations, useClass: inviteRevocations },
        { provide: CallActivation, useClass: callActivation },
        GuestSessions,
        ...accountProviders(accounts ?? NO_ACCOUNTS),
        GuestRules,
        GuestNotices,
        PresenceService,
        ResumeService,
        CallRecorder,
        DeviceRingService,
        AvailabilityService,
        SignalingService,
        CredentialsService,
        UpgradeGuard,
        SignalingGateway,
        // How the ws adapter reaches the gateway without importing it.
        { provide: SignalingEndpoint, useExisting: SignalingGateway },
      ],
      exports: [UserRegistryService, UpgradeGuard, SIGNALING_OPTIONS, InviteRevocations, GuestSessions],
    };
  }
}

function accountProviders({ journal, devices, deviceRings }: SignalingAccounts): Provider[] {
  return [
    { provide: CallJournal, useClass: journal },
    { provide: CalleeDevices, useClass: devices },
    // An in-memory store takes a clock (tests); Nest must not try to inject one.
    deviceRings === InMemoryDeviceRingStore
      ? { provide: DeviceRingStore, useValue: new InMemoryDeviceRingStore() }
      : { provide: DeviceRingStore, useClass: deviceRings },
  ];
}

function signalingOptions(config: DuetConfig): SignalingOptions {
  const { presenceLimit, publicOrigin, allowedOrigins, limits, trustProxy } = config;
  return {
    presenceLimit,
    publicOrigin,
    allowedOrigins,
    limits,
    trustProxy,
    maxGuests: config.accounts?.invites.maxGuests ?? 0,
    maxVideoBitrateKbps: config.maxVideoBitrateKbps,
  };
}
