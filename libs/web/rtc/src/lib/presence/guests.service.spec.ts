import { TestBed } from '@angular/core/testing';
import { settle } from '../../testing/fake-rtc';
import { FakeWebSocket } from '../../testing/fake-web-socket';
import { SIGNALING_URL, WEB_SOCKET_FACTORY } from '../media/rtc-environment';
import { SignalingClient } from '../signaling/signaling-client.service';
import { GuestsService } from './guests.service';

describe(GuestsService.name, () => {
  afterEach(() => TestBed.resetTestingModule());

  async function loggedInAsAlice(): Promise<{ guests: GuestsService; socket: FakeWebSocket; signaling: SignalingClient }> {
    FakeWebSocket.instances = [];
    TestBed.configureTestingModule({
      providers: [
        { provide: SIGNALING_URL, useValue: 'ws://duet.test/ws' },
        { provide: WEB_SOCKET_FACTORY, useValue: (url: string) => new FakeWebSocket(url) as unknown as WebSocket },
      ],
    });
    const guests = TestBed.inject(GuestsService);
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    const signaling = TestBed.inject(SignalingClient);
    signaling.logIn('alice');
    await settle();
    const socket = FakeWebSocket.latest();
    socket.acceptConnection();
    socket.deliver({ type: 'login', success: true, username: 'alice', iceServers: [] });
    return { guests, socket, signaling };
  }

  it('lists the guests the server says are online, in the order they came, until they leave', async () => {
    const { guests, socket } = await loggedInAsAlice();
    socket.deliver({ type: 'guest', username: 'guest:alice:Ann', online: true });
    socket.deliver({ type: 'guest', username: 'guest:alice:<b>Bo</b>', online: true });
    socket.deliver({ type: 'guest', username: 'guest:alice:Ann', online: true });
    expect(guests.guests()).toEqual(['guest:alice:<b>Bo</b>', 'guest:alice:Ann']);
    socket.deliver({ type: 'guest', username: 'GUEST:alice:ann', online: false });
    expect(guests.guests()).toEqual(['guest:alice:<b>Bo</b>']);
  });

  it('forgets them at log-out: the next login hears of them afresh', async () => {
    const { guests, socket, signaling } = await loggedInAsAlice();
    socket.deliver({ type: 'guest', username: 'guest:alice:Ann', online: true });
    await signaling.disconnect();
    expect(guests.guests()).toEqual([]);
  });
});
