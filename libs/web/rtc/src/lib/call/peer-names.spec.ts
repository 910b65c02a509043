import { TestBed } from '@angular/core/testing';
import { logIn, setUpCall } from '../../testing/call-harness';
import { settle } from '../../testing/fake-rtc';
import { PeerService } from './peer.service';

describe(`${PeerService.name}: the other person's name`, () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('shows the callee as the server has the name once it rings, not as typed in the call box', async () => {
    const { peer } = setUpCall();
    const socket = await logIn('alice');
    await peer.call('BoB');
    await settle();
    expect(peer.remoteUser()).toBe('BoB');
    socket.deliver({ type: 'ringing', username: 'bob', callId: 'call-1' });
    expect(peer.remoteUser()).toBe('bob');
    // Signaling still reaches him: the server keys names without regard to letter case.
    peer.hangUp();
    expect(socket.messages().at(-1)).toEqual({ type: 'close', otherUsername: 'BoB', callId: 'call-1' });
  });
});
