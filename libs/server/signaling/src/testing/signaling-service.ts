import { loadConfig } from '@duet/server/config';
import { ConfiguredIceServerIssuer, IceServerIssuer } from '@duet/server/ice';
import { CalleeDevices, NoCalleeDevices } from '../lib/accounts/callee-devices';
import { CallJournal, NoCallJournal } from '../lib/accounts/call-journal';
import { CallRecorder } from '../lib/accounts/call-recorder';
import { DeviceRingStore } from '../lib/accounts/device-ring-store';
import { DeviceRingService } from '../lib/accounts/device-rings.service';
import { InMemoryDeviceRingStore } from '../lib/accounts/in-memory-device-ring-store';
import { AvailabilityService } from '../lib/availability/availability.service';
import { CallActivation, NoCallActivation } from '../lib/call-activation';
import { GuestNotices } from '../lib/guests/guest-notices';
import { GuestRules } from '../lib/guests/guest-rules';
import { GuestSessions } from '../lib/guests/guest-sessions';
import { LocalInviteRevocations } from '../lib/guests/invite-revocations';
import { PresenceService } from '../lib/presence.service';
import { ResumeService } from '../lib/resume.service';
import { LocalRingTimer } from '../lib/ring-timer';
import { NoSignalingMetrics } from '../lib/signaling-metrics';
import { SignalingOptions } from '../lib/signaling-options';
import { SignalingService } from '../lib/signaling.service';
import { UserRegistryService } from '../lib/user-registry.service';
import { RecordingDevices, RecordingJournal } from './accounts-fakes';
import { InspectableRegistry } from './inspectable-registry';

/** What a spec hands in: the parts it looks at; accounts default to none, as with `AUTH_MODE=none`. */
export interface SignalingParts {
  readonly registry: UserRegistryService;
  readonly presence: PresenceService;
  readonly resumption: ResumeService;
  readonly ice: IceServerIssuer;
  readonly options: SignalingOptions;
  readonly rings: LocalRingTimer;
  readonly journal?: CallJournal;
  readonly devices?: CalleeDevices;
  readonly deviceRings?: DeviceRingStore;
  /** Guest sessions (and how revocations reach them): a fresh local pair unless given. */
  readonly guests?: GuestSessions;
  /** Told of each call that becomes active; nothing unless given. */
  readonly activation?: CallActivation;
}

/** `SignalingService` wired as `SignalingModule` wires it, without Nest. */
export function signalingService({ registry, presence, resumption, ice, options, rings, guests, activation = new NoCallActivation(), ...accounts }: SignalingParts) {
  const metrics = new NoSignalingMetrics();
  const journal = accounts.journal ?? new NoCallJournal();
  const devices = accounts.devices ?? new NoCalleeDevices();
  const recorder = new CallRecorder(journal, devices, registry, rings, metrics, options);
  const store = accounts.deviceRings ?? new InMemoryDeviceRingStore();
  const deviceRings = new DeviceRingService(store, devices, journal, recorder, registry, presence, options);
  const guestSessions = guests ?? new GuestSessions(new LocalInviteRevocations());
  const guestRules = new GuestRules(guestSessions, options, metrics);
  const notices = new GuestNotices(registry, guestSessions);
  const availability = new AvailabilityService(registry, options, recorder, metrics);
  const service = new SignalingService(registry, presence, resumption, ice, metrics, options, rings, recorder, deviceRings, guestRules, notices, availability, activation);
  return { service, deviceRings, guests: guestSessions, availability };
}

/**
 * A whole signaling service with accounts (recording devices and journal, an in-memory ring
 * store), ringing for `ringTimeoutMs`; `destroy` is what the app's shutdown does.
 */
export function signalingWithAccounts(ringTimeoutMs: number) {
  const options: SignalingOptions = {
    presenceLimit: 10,
    trustProxy: { mode: 'off' },
    publicOrigin: undefined,
    allowedOrigins: undefined,
    limits: { ...loadConfig({}).limits, ringTimeoutMs },
    // Guests exist only with accounts: a few may log in here.
    maxGuests: 10,
  };
  const registry = new InspectableRegistry();
  const presence = new PresenceService(registry, options);
  const resumption = new ResumeService(registry, presence, options);
  const ice = new ConfiguredIceServerIssuer({ servers: [], turn: undefined, transportPolicy: 'all' });
  const rings = new LocalRingTimer(options);
  const devices = new RecordingDevices();
  const journal = new RecordingJournal();
  const store = new InMemoryDeviceRingStore();
  const { service, deviceRings, guests, availability } = signalingService({ registry, presence, resumption, ice, options, rings, journal, devices, deviceRings: store });
  const destroy = () => {
    deviceRings.onModuleDestroy();
    rings.onModuleDestroy();
    resumption.onModuleDestroy();
  };
  return { registry, devices, journal, store, service, deviceRings, guests, availability, destroy };
}
