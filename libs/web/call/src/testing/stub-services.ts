import { signal } from '@angular/core';
import { Availability, LoginFailureMessage } from '@duet/shared/protocol';
import {
  AvailabilityService,
  CallNotice,
  CallState,
  ConnectionProblem,
  ConnectionState,
  DeviceChoices,
  EffectChoices,
  DeviceLists,
  GuestsService,
  LocalMediaService,
  LoginState,
  PREFERENCE_STORAGE,
  PeerService,
  PresenceService,
  RemoteMediaState,
  ShownAvailability,
  SIGN_IN_FLOW,
  SignInStep,
  SignalingClient,
  SignalingSession,
  TAB_STORAGE,
  WEBRTC_AVAILABLE,
} from '@duet/web/rtc';
import { stubInCallServices } from '@duet/web/in-call/testing';
import { BehaviorSubject, Subject } from 'rxjs';
import { AUDIO_CONTEXT_FACTORY } from '../lib/alerts/call-alerts.service';

/** A Storage over a Map the test can read. */
function mapStorage(map: Map<string, string>): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  return {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  };
}

/**
 * Stand-ins for the rtc services: the UI tests drive their signals and watch the calls made.
 * `saved` is what localStorage holds, `savedInTab` what this tab's sessionStorage holds.
 */
/** `webrtc`: whether the browser stands for one with RTCPeerConnection (jsdom has none). */
export function stubServices(saved: Record<string, string> = {}, savedInTab: Record<string, string> = {}, webrtc = true) {
  const session = new BehaviorSubject<SignalingSession | null>(null);
  const signaling = {
    connectionState: signal<ConnectionState>('open'),
    connectionState$: new BehaviorSubject<ConnectionState>('open'),
    session: signal<SignalingSession | null>(null),
    session$: session,
    loginState: signal<LoginState>('logged-out'),
    loginFailures$: new Subject<LoginFailureMessage>(),
    problem$: new BehaviorSubject<ConnectionProblem | null>(null),
    problem: signal<ConnectionProblem | null>(null),
    connect: jest.fn(),
    disconnect: jest.fn(() => Promise.resolve()),
    logIn: jest.fn(),
    logInAsIdentity: jest.fn(),
    retry: jest.fn(),
  };
  /** The sign-in flow (`@duet/web/auth` in the app): the test sets its step. */
  const signIn = {
    step: signal<SignInStep>({ kind: 'name-form' }),
    startSignIn: jest.fn(),
    signOut: jest.fn(() => Promise.resolve()),
    join: jest.fn(),
  };
  /** The member's guests online (`GuestsService`). */
  const guests = { guests: signal<readonly string[]>([]) };
  const callState = new BehaviorSubject<CallState>('idle');
  const peer = {
    notices$: new Subject<CallNotice>(),
    callState$: callState,
    callState: signal<CallState>('idle'),
    remoteUser: signal<string | null>(null),
    remoteMedia: signal<RemoteMediaState>({ micMuted: false, cameraOff: false, screenSharing: false }),
    connectedAt: signal<number | null>(null),
    peerReconnecting: signal(false),
    ringingDevices: signal(false),
    localStream: signal<MediaStream | null>(null),
    remoteStream: signal<MediaStream | null>(null),
    call: jest.fn(() => Promise.resolve()),
    accept: jest.fn(() => Promise.resolve()),
    decline: jest.fn(),
    hangUp: jest.fn(),
  };
  const media = {
    micMuted: signal(false),
    cameraOff: signal(false),
    screenSharing: signal(false),
    canShareScreen: true,
    previewing: signal(false),
    audioTrack: signal<MediaStreamTrack | null>(null),
    devices: signal<DeviceLists>({
      camera: [{ id: 'cam-1', label: 'Front camera' }],
      microphone: [{ id: 'mic-1', label: 'Built-in mic' }],
      speaker: [],
    }),
    choices: signal<DeviceChoices>({ camera: null, microphone: null, speaker: null }),
    effectChoices: signal<EffectChoices>({ noiseSuppression: true, background: 'none' }),
    effectSupport: { noiseSuppression: true, background: true },
    setEffects: jest.fn(() => Promise.resolve()),
    setMicMuted: jest.fn(),
    setCameraOff: jest.fn(),
    startScreenShare: jest.fn(() => Promise.resolve()),
    stopScreenShare: jest.fn(),
    selectDevice: jest.fn(() => Promise.resolve()),
    startPreview: jest.fn(() => Promise.resolve()),
    stopPreview: jest.fn(),
    refreshDevices: jest.fn(() => Promise.resolve()),
  };
  const presence = {
    onlineUsers: signal<readonly string[]>([]),
    sampleOf: signal<number | null>(null),
    matches: signal<{ prefix: string; users: readonly string[]; more: boolean } | null>(null),
    busy: signal<ReadonlySet<string>>(new Set()),
    availability: signal<ReadonlyMap<string, ShownAvailability>>(new Map()),
    search: jest.fn(),
  };
  const availability = {
    availability: signal<Availability>('available'),
    choose: jest.fn((chosen: Availability) => availability.availability.set(chosen)),
  };
  const inCall = stubInCallServices();
  const { chat, verification, stats, files } = inCall;
  const storage = new Map<string, string>(Object.entries(saved));
  const tabStorage = new Map<string, string>(Object.entries(savedInTab));
  const providers = [
    { provide: SignalingClient, useValue: signaling },
    { provide: PeerService, useValue: peer },
    { provide: LocalMediaService, useValue: media },
    { provide: PresenceService, useValue: presence },
    { provide: AvailabilityService, useValue: availability },
    { provide: GuestsService, useValue: guests },
    ...inCall.providers,
    { provide: AUDIO_CONTEXT_FACTORY, useValue: () => null },
    { provide: PREFERENCE_STORAGE, useValue: mapStorage(storage) },
    { provide: TAB_STORAGE, useValue: mapStorage(tabStorage) },
    { provide: WEBRTC_AVAILABLE, useValue: webrtc },
    { provide: SIGN_IN_FLOW, useValue: signIn },
  ];
  /** Logs in as `username` the way the real client would after the server said yes. */
  const logInAs = (username: string) => {
    const login: SignalingSession = { username, iceServers: [], iceTransportPolicy: 'all', resumed: false, call: null };
    signaling.session.set(login);
    signaling.loginState.set('logged-in');
    session.next(login);
  };
  /** The connection goes down (or comes back, with null), as the real client reports it. */
  const connectionDown = (state: ConnectionState, problem: ConnectionProblem | null) => {
    signaling.connectionState.set(state);
    signaling.connectionState$.next(state);
    signaling.problem$.next(problem);
    signaling.problem.set(problem);
  };
  /** Moves the call to `state`, through both the signal and the stream, as the real service does. */
  const callIn = (state: CallState, remoteUser: string | null = null) => {
    peer.remoteUser.set(remoteUser);
    peer.callState.set(state);
    callState.next(state);
  };
  return { signaling, signIn, peer, media, presence, availability, guests, chat, verification, stats, files, storage, tabStorage, providers, logInAs, callIn, connectionDown };
}
