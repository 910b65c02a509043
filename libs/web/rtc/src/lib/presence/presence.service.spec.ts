import { TestBed } from '@angular/core/testing';
import { settle } from '../../testing/fake-rtc';
import { FakeWebSocket } from '../../testing/fake-web-socket';
import { PresenceService } from './presence.service';
import { SIGNALING_URL, WEB_SOCKET_FACTORY } from '../media/rtc-environment';
import { SignalingClient } from '../signaling/signaling-client.service';

describe(PresenceService.name, () => {
  afterEach(() => TestBed.resetTestingModule());

  async function loggedInAsAlice(): Promise<{ presence: PresenceService; socket: FakeWebSocket }> {
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
    return { presence, socket };
  }

  it('lists everyone online but me (in any case), sorted, and follows presence', async () => {
    const { presence, socket } = await loggedInAsAlice();

    socket.deliver({ type: 'users', users: ['carol', 'ALICE', 'Bob'], total: 3, truncated: false });
    expect(presence.onlineUsers()).toEqual(['Bob', 'carol']);
    socket.deliver({ type: 'presence', username: 'dave', online: true });
    socket.deliver({ type: 'presence', username: 'bob', online: false });
    socket.deliver({ type: 'presence', username: 'alice', online: true });
    expect(presence.onlineUsers()).toEqual(['carol', 'dave']);
  });

  it('knows who is in a call from the list, from search answers and from presence, in any letter case', async () => {
    const { presence, socket } = await loggedInAsAlice();
    socket.deliver({ type: 'users', users: ['alice', 'Bob', 'carol'], total: 3, truncated: false, busy: ['Bob'] });
    expect([...presence.busy()]).toEqual(['bob']);
    socket.deliver({ type: 'presence', username: 'carol', online: true, busy: true });
    socket.deliver({ type: 'presence', username: 'bob', online: true, busy: false });
    expect([...presence.busy()]).toEqual(['carol']);
    presence.search('d');
    socket.deliver({ type: 'search', prefix: 'd', users: ['dave', 'Dora'], more: false, busy: ['Dora'] });
    expect([...presence.busy()].sort()).toEqual(['carol', 'dora']);
    socket.deliver({ type: 'presence', username: 'CAROL', online: false });
    expect([...presence.busy()]).toEqual(['dora']);
  });

  it('searches the directory by the start of a name, keeps only the answer to the latest text, and says when the list is a sample', async () => {
    const { presence, socket } = await loggedInAsAlice();
    socket.deliver({ type: 'users', users: ['alice', 'bob'], total: 5000, truncated: true });
    expect(presence.sampleOf()).toBe(5000);

    presence.search('a');
    presence.search('al ');
    expect(socket.messages().slice(-2)).toEqual([{ type: 'search', prefix: 'a' }, { type: 'search', prefix: 'al' }]);
    socket.deliver({ type: 'search', prefix: 'a', users: ['alan', 'alice', 'anna'], more: true });
    expect(presence.matches()).toBeNull();
    socket.deliver({ type: 'search', prefix: 'al', users: ['alan', 'Alice', 'alma'], more: false });
    expect(presence.matches()).toEqual({ prefix: 'al', users: ['alan', 'alma'], more: false });
    socket.deliver({ type: 'presence', username: 'ALMA', online: false });
    expect(presence.matches()?.users).toEqual(['alan']);

    const sent = socket.sent.length;
    presence.search('al!');
    expect(presence.matches()).toEqual({ prefix: 'al!', users: [], more: false });
    presence.search('');
    expect(presence.matches()).toBeNull();
    expect(socket.sent.length).toBe(sent);
  });

  it('knows who said busy or do not disturb, apart from who is in a call, from the list, search and presence', async () => {
    const { presence, socket } = await loggedInAsAlice();
    socket.deliver({ type: 'users', users: ['alice', 'Bob', 'carol'], total: 3, truncated: false, busy: ['carol'], statuses: [{ username: 'Bob', availability: 'dnd' }] });
    expect([...presence.availability()]).toEqual([['bob', 'dnd']]);
    socket.deliver({ type: 'presence', username: 'carol', online: true, availability: 'busy' });
    // An availability update leaves being in a call alone.
    expect([...presence.busy()]).toEqual(['carol']);
    socket.deliver({ type: 'presence', username: 'bob', online: true, availability: 'available' });
    expect([...presence.availability()]).toEqual([['carol', 'busy']]);
    presence.search('d');
    socket.deliver({ type: 'search', prefix: 'd', users: ['dave'], more: false, statuses: [{ username: 'dave', availability: 'dnd' }] });
    socket.deliver({ type: 'presence', username: 'Carol', online: false });
    expect([...presence.availability()]).toEqual([['dave', 'dnd']]);
  });
});
