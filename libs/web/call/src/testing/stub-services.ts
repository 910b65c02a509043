import { signal } from '@angular/core';
import { ServerMessage } from '@duet/shared/protocol';
import { CallNotice, CallState, ConnectionState, PeerService, SignalingClient, SignalingSession } from '@duet/web/rtc';
import { Subject } from 'rxjs';

/** Stand-ins for the rtc services: the UI tests drive their signals and watch the calls made. */
export function stubServices() {
  const signaling = {
    messages$: new Subject<ServerMessage>(),
    connectionState: signal<ConnectionState>('open'),
    session: signal<SignalingSession | null>(null),
    connect: jest.fn(),
    logIn: jest.fn(),
  };
  const peer = {
    notices$: new Subject<CallNotice>(),
    callState: signal<CallState>('idle'),
    remoteUser: signal<string | null>(null),
    localStream: signal<MediaStream | null>(null),
    remoteStream: signal<MediaStream | null>(null),
    call: jest.fn(() => Promise.resolve()),
    accept: jest.fn(() => Promise.resolve()),
    decline: jest.fn(),
    hangUp: jest.fn(),
  };
  const providers = [
    { provide: SignalingClient, useValue: signaling },
    { provide: PeerService, useValue: peer },
  ];
  /** Logs in as `username` the way the real client would after the server said yes. */
  const logInAs = (username: string) => {
    signaling.session.set({ username, iceServers: [] });
    signaling.messages$.next({ type: 'login', success: true, username, iceServers: [] });
  };
  return { signaling, peer, providers, logInAs };
}
