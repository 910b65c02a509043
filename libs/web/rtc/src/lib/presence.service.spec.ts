import { TestBed } from '@angular/core/testing';
import { settle } from '../testing/fake-rtc';
import { FakeWebSocket } from '../testing/fake-web-socket';
import { PresenceService } from './presence.service';
import { SIGNALING_URL, WEB_SOCKET_FACTORY } from './rtc-environment';
import { SignalingClient } from './signaling-client.service';

describe(PresenceService.name, () => {
  afterEach(() => TestBed.resetTestingModule());

  it('lists everyone online but me (in any case), sorted, and follows presence', async () => {
    FakeWebSocket.instances = [];
    TestBed.configureTestingModule({
      providers: [
        { provide: SIGNALING_URL, useValue: 'ws://duet.test/ws' },
        { provide: WEB_SOCKET_FACTORY, useValue: (url: string) => new FakeWebSocket(url) as unknown as WebSocket },
      ],
    });
    const presence = TestBed.inject(PresenceService);
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    TestBed.inject(SignalingClient).logIn('alice');
    await settle();
    const socket = FakeWebSocket.latest();
    socket.acceptConnection();
    socket.deliver({ type: 'login', success: true, username: 'alice', iceServers: [] });

    socket.deliver({ type: 'users', users: ['carol', 'ALICE', 'Bob'], total: 3, truncated: false });
    expect(presence.onlineUsers()).toEqual(['Bob', 'carol']);
    socket.deliver({ type: 'presence', username: 'dave', online: true });
    socket.deliver({ type: 'presence', username: 'bob', online: false });
    socket.deliver({ type: 'presence', username: 'alice', online: true });
    expect(presence.onlineUsers()).toEqual(['carol', 'dave']);
  });
});
