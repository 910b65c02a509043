import { ServerMessage } from '@duet/shared/protocol';
import { fakeSession } from '../testing/fake-session';
import { InMemoryUserRegistry } from './in-memory-user-registry.service';
import { PresenceService } from './presence.service';
import { SignalingOptions } from './signaling-options';

/** The in-memory registry, saying whether it reports its changes, and counting the list's lookups. */
class CountingRegistry extends InMemoryUserRegistry {
  lookups = 0;
  constructor(private readonly reports = true) {
    super();
  }
  override watchChanges(listener: (key: string) => void): boolean {
    return this.reports && super.watchChanges(listener);
  }
  override async busyAmong(usernames: readonly string[]): Promise<readonly string[]> {
    this.lookups += 1;
    return super.busyAmong(usernames);
  }
}

function setUp(presenceLimit: number, reports = true) {
  const registry = new CountingRegistry(reports);
  const presence = new PresenceService(registry, { presenceLimit } as SignalingOptions);
  const online = async (...names: string[]) => {
    for (const name of names) await registry.register(name, fakeSession().session);
  };
  /** The `users` message a newcomer gets now. */
  const listFor = async (): Promise<ServerMessage | undefined> => {
    const { session, sent } = fakeSession();
    await presence.list(session);
    return sent.find((message) => message.type === 'users');
  };
  return { registry, presence, online, listFor };
}

describe(PresenceService.name, () => {
  it('sends every newcomer the same list, built once while nothing listed changes, with the current total', async () => {
    const { registry, online, listFor } = setUp(2);
    await online('ann', 'bob', 'cat');
    expect(await listFor()).toEqual({ type: 'users', users: ['ann', 'bob'], total: 3, truncated: true });
    await online('dan');
    await registry.unregister('cat', (await registry.find('cat'))!.sink);
    await online('eve');
    expect(await listFor()).toEqual({ type: 'users', users: ['ann', 'bob'], total: 4, truncated: true });
    expect(registry.lookups).toBe(1);
  });

  it('builds the list afresh when a listed user leaves, starts a call or sets their availability', async () => {
    const { registry, online, listFor } = setUp(2);
    await online('ann', 'bob', 'cat', 'dan');
    await listFor();
    expect((await registry.offer('bob', 'dan')).outcome).toBe('ringing');
    expect(await listFor()).toEqual({ type: 'users', users: ['ann', 'bob'], total: 4, truncated: true, busy: ['bob'] });
    await registry.setAvailability('ann', (await registry.find('ann'))!.sink, 'dnd');
    expect(await listFor()).toMatchObject({ users: ['ann', 'bob'], statuses: [{ username: 'ann', availability: 'dnd' }] });
    await registry.unregister('ann', (await registry.find('ann'))!.sink);
    expect(await listFor()).toEqual({ type: 'users', users: ['bob', 'cat'], total: 3, truncated: true, busy: ['bob'] });
    expect(registry.lookups).toBe(4);
  });

  it('lists a newcomer while fewer are online than the list holds', async () => {
    const { online, listFor } = setUp(3);
    await online('ann');
    expect(await listFor()).toEqual({ type: 'users', users: ['ann'], total: 1, truncated: false });
    await online('bob');
    expect(await listFor()).toEqual({ type: 'users', users: ['ann', 'bob'], total: 2, truncated: false });
  });

  it('keeps no list a change made while it was built may have touched', async () => {
    const { registry, presence, online, listFor } = setUp(2);
    await online('ann');
    const { session } = fakeSession();
    const building = presence.list(session);
    await online('bob');
    await building;
    expect(await listFor()).toEqual({ type: 'users', users: ['ann', 'bob'], total: 2, truncated: false });
    expect(registry.lookups).toBe(2);
  });

  it('builds the list for every newcomer when the registry cannot report its changes (shared by instances)', async () => {
    const { registry, online, listFor } = setUp(2, false);
    await online('ann', 'bob', 'cat');
    await listFor();
    await listFor();
    expect(registry.lookups).toBe(2);
  });
});
