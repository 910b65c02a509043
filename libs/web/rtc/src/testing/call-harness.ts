import { Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { ADMISSION_CHECK } from '../lib/signaling/admission';
import { CALL_TIMING, CallTiming } from '../lib/call/call-timing';
import { CallNotice } from '../lib/call/call-notice';
import { CallState } from '../lib/call/call-state';
import { PeerService } from '../lib/call/peer.service';
import { PREFERENCE_STORAGE, TAB_STORAGE } from '../lib/media/preference-storage';
import { RECONNECT_POLICY } from '../lib/recovery/reconnect-policy';
import { RTC_ENVIRONMENT, SIGNALING_URL, WEB_SOCKET_FACTORY } from '../lib/media/rtc-environment';
import { SignalingClient } from '../lib/signaling/signaling-client.service';
import { FakePeerConnection, fakeEnvironment, settle } from './fake-rtc';
import { FakeWebSocket } from './fake-web-socket';

/** The call's unit-test world (PeerService and its engine): fake sockets, fake RTC, fake devices. Unit tier only. */
export const TIMING: CallTiming = {
  endedLingerMs: 1_500,
  ringTimeoutMs: 45_000,
  connectTimeoutMs: 20_000,
  reconnectGraceMs: 30_000,
  stalledIceStartMs: 4_000,
  iceRecovery: { disconnectedGraceMs: 2_000, retryDelayMs: 2_000, maxRetryDelayMs: 8_000 },
  mediaStall: { stallMs: 1_500, politeDeferenceMs: 1_000, sampleEveryMs: 500, retryMs: 2_000, maxRestarts: 3 },
  restoreSettleMs: 1_000,
  rejoinWindowMs: 30_000,
};

/** Reconnects within 100 ms, then after 100 ms doubling (Math.random is whatever the test makes it). */
export const POLICY = {
  firstRetryJitterMs: 100,
  initialDelayMs: 100,
  maxDelayMs: 1_000,
  inCallMaxDelayMs: 400,
  overloadedDelayMs: 5_000,
  maxOverloadedDelayMs: 60_000,
};

export const offer = (sdp = 'their-offer') => ({ type: 'offer' as const, sdp });
export const answer = (sdp = 'their-answer') => ({ type: 'answer' as const, sdp });
export const candidate = (n: number) => ({
  candidate: `candidate:${n} 1 udp 1 10.0.0.${n} 5000 typ host`,
  sdpMid: '0',
  sdpMLineIndex: 0,
});

/**
 * For a describe of call tests: fake timers, quiet debug and warn logs, and a fresh TestBed after
 * each test.
 */
export function useCallTestWorld(): void {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });
}

export function setUpCall(
  devices: ('audio' | 'video')[] = ['audio', 'video'],
  mediaError = 'NotFoundError',
  tabStorage: Storage | null = null,
  providers: Provider[] = [],
) {
  FakeWebSocket.instances = [];
  FakePeerConnection.instances = [];
  const fake = fakeEnvironment(devices, mediaError);
  TestBed.configureTestingModule({
    providers: [
      { provide: SIGNALING_URL, useValue: 'ws://duet.test/ws' },
      { provide: WEB_SOCKET_FACTORY, useValue: (url: string) => new FakeWebSocket(url) as unknown as WebSocket },
      { provide: RTC_ENVIRONMENT, useValue: fake.environment },
      { provide: CALL_TIMING, useValue: TIMING },
      { provide: RECONNECT_POLICY, useValue: POLICY },
      { provide: ADMISSION_CHECK, useValue: async () => ({ kind: 'unreachable' }) },
      { provide: PREFERENCE_STORAGE, useValue: null },
      { provide: TAB_STORAGE, useValue: tabStorage },
      ...providers,
    ],
  });
  // The call through its public face, as the UI uses it.
  const peer = TestBed.inject(PeerService);
  const states: CallState[] = [];
  const notices: CallNotice[] = [];
  peer.callState$.subscribe((state) => states.push(state));
  peer.notices$.subscribe((notice) => notices.push(notice));
  return { peer, states, notices, getUserMedia: fake.getUserMedia };
}

/**
 * Logs in as `username` over a fake socket; returns the socket for the "server" side of the test.
 * `timings`: what the login reply hands out besides (an older server sends none).
 */
export async function logIn(
  username: string,
  resumeToken = 'token-1',
  timings: { resumeWindowMs?: number; ringTimeoutMs?: number; maxVideoBitrateKbps?: number } = {},
): Promise<FakeWebSocket> {
  const signaling = TestBed.inject(SignalingClient);
  signaling.logIn(username);
  await settle();
  const socket = FakeWebSocket.latest();
  socket.acceptConnection();
  socket.deliver({ type: 'login', success: true, username, iceServers: [{ urls: 'stun:ice.duet.test' }], resumeToken, ...timings });
  socket.sent.length = 0;
  return socket;
}
