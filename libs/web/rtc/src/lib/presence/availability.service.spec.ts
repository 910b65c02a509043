import { TestBed } from '@angular/core/testing';
import { settle } from '../../testing/fake-rtc';
import { FakeWebSocket } from '../../testing/fake-web-socket';
import { TAB_STORAGE } from '../media/preference-storage';
import { SIGNALING_URL, WEB_SOCKET_FACTORY } from '../media/rtc-environment';
import { SignalingClient } from '../signaling/signaling-client.service';
import { AVAILABILITY_KEY, AvailabilityService } from './availability.service';

describe(AvailabilityService.name, () => {
  let tab: Map<string, string>;
  afterEach(() => TestBed.resetTestingModule());

  function start(stored: Record<string, string> = {}): AvailabilityService {
    FakeWebSocket.instances = [];
    tab = new Map(Object.entries(stored));
    TestBed.configureTestingModule({
      providers: [
        { provide: SIGNALING_URL, useValue: 'ws://duet.test/ws' },
        { provide: WEB_SOCKET_FACTORY, useValue: (url: string) => new FakeWebSocket(url) as unknown as WebSocket },
        {
          provide: TAB_STORAGE,
          useValue: { getItem: (key: string) => tab.get(key) ?? null, setItem: (key: string, value: string) => tab.set(key, value), removeItem: (key: string) => tab.delete(key) },
        },
      ],
    });
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    return TestBed.inject(AvailabilityService);
  }

  async function logIn(username: string, resumed = false): Promise<FakeWebSocket> {
    TestBed.inject(SignalingClient).logIn(username);
    await settle();
    const socket = FakeWebSocket.latest();
    socket.acceptConnection();
    socket.deliver({ type: 'login', success: true, username, iceServers: [], resumed });
    return socket;
  }

  const availabilityMessages = (socket: FakeWebSocket) => socket.messages().filter((message) => message['type'] === 'availability');

  it("sends the tab's choice after login, and each change, and keeps it in the tab", async () => {
    const availability = start({ [AVAILABILITY_KEY]: 'dnd' });
    expect(availability.availability()).toBe('dnd');
    const socket = await logIn('alice');
    expect(availabilityMessages(socket)).toEqual([{ type: 'availability', availability: 'dnd' }]);
    availability.choose('busy');
    expect(tab.get(AVAILABILITY_KEY)).toBe('busy');
    availability.choose('available');
    expect(tab.has(AVAILABILITY_KEY)).toBe(false);
    expect(availabilityMessages(socket).slice(1)).toEqual([
      { type: 'availability', availability: 'busy' },
      { type: 'availability', availability: 'available' },
    ]);
  });

  it('says nothing after a fresh login while available, but tells a resumed session', async () => {
    start();
    expect(availabilityMessages(await logIn('alice'))).toEqual([]);
    TestBed.resetTestingModule();
    start();
    expect(availabilityMessages(await logIn('alice', true))).toEqual([{ type: 'availability', availability: 'available' }]);
  });

  it('never sends one for a guest, and ignores an unknown stored value', async () => {
    const availability = start({ [AVAILABILITY_KEY]: 'away' });
    expect(availability.availability()).toBe('available');
    const socket = await logIn('guest:alice:Gina');
    availability.choose('dnd');
    expect(availabilityMessages(socket)).toEqual([]);
  });
});
