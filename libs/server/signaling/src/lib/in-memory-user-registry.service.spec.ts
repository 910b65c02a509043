import { MessageSink } from './message-sink';
import { InMemoryUserRegistry } from './in-memory-user-registry.service';

const sink = (): MessageSink => ({ send: jest.fn() });

describe(InMemoryUserRegistry.name, () => {
  let registry: InMemoryUserRegistry;
  const alice = sink();
  const bob = sink();
  const carol = sink();

  beforeEach(async () => {
    registry = new InMemoryUserRegistry();
    await registry.register('Alice', alice);
    await registry.register('bob', bob);
    await registry.register('carol', carol);
  });

  it('gives each name to one holder, whatever its letter case', async () => {
    expect(await registry.register('ALICE', sink())).toBe(false);
    expect((await registry.find('alice'))?.sink).toBe(alice);
    expect((await registry.find('alice'))?.username).toBe('Alice');
  });

  it('treats prototype keys as ordinary names', async () => {
    expect(await registry.find('__proto__')).toBeUndefined();
    expect(await registry.find('constructor')).toBeUndefined();
    expect(await registry.register('__proto__', sink())).toBe(true);
    expect(await registry.find('__proto__')).toBeDefined();
  });

  it('lets only the current holder release a name', async () => {
    expect(await registry.unregister('alice', sink())).toBeUndefined();
    expect(await registry.find('alice')).toBeDefined();
    await registry.unregister('alice', alice);
    expect(await registry.find('alice')).toBeUndefined();
    expect(await registry.register('alice', sink())).toBe(true);
  });

  it('lists at most the requested number of users and counts them all', async () => {
    const page = await registry.online(2);
    expect(page.users.map((user) => user.username)).toEqual(['Alice', 'bob']);
    expect(page.total).toBe(3);
  });

  it('rings a free callee, then reports each reason a second call cannot start', async () => {
    expect(await registry.ring('Alice', 'bob')).toEqual({ outcome: 'ringing', callId: expect.any(String) });
    expect(await registry.ring('bob', 'alice')).toEqual({ outcome: 'already-together' });
    expect(await registry.ring('carol', 'bob')).toEqual({ outcome: 'callee-busy' });
    expect(await registry.ring('alice', 'carol')).toEqual({ outcome: 'caller-busy' });
    expect(await registry.ring('carol', 'dave')).toEqual({ outcome: 'callee-offline' });
    expect(registry.inspect().calls).toEqual([{ caller: 'Alice', callee: 'bob', state: 'ringing' }]);
  });

  it('activates a call on answer between its parties only', async () => {
    await registry.ring('Alice', 'bob');
    expect(await registry.accept('carol', 'bob')).toBeUndefined();
    expect(await registry.accept('bob', 'bob')).toBeUndefined();
    expect((await registry.accept('bob', 'alice'))?.sink).toBe(alice);
    expect(registry.inspect().calls).toEqual([{ caller: 'Alice', callee: 'bob', state: 'active' }]);
  });

  it('gates candidates on sharing a call', async () => {
    await registry.ring('Alice', 'bob');
    expect((await registry.partnerInCall('bob', 'ALICE'))?.username).toBe('Alice');
    expect((await registry.partnerInCall('alice', 'bob'))?.sink).toBe(bob);
    expect(await registry.partnerInCall('carol', 'bob')).toBeUndefined();
    expect(await registry.partnerInCall('carol', 'carol')).toBeUndefined();
  });

  it('hangs up only the call with the named peer, and returns that peer', async () => {
    await registry.ring('Alice', 'bob');
    expect(await registry.hangUp('alice', 'carol')).toBeUndefined();
    expect(await registry.hangUp('carol')).toBeUndefined();
    expect(await registry.hangUp('bob')).toBe('Alice');
    expect(registry.inspect().calls).toEqual([]);
  });

  it('lets only the callee decline, and only while it rings', async () => {
    await registry.ring('Alice', 'bob');
    expect(await registry.decline('alice', 'bob')).toBe(false);
    expect(await registry.decline('bob', 'alice')).toBe(true);
    expect(registry.inspect().calls).toEqual([]);

    await registry.ring('Alice', 'bob');
    await registry.accept('bob', 'alice');
    expect(await registry.decline('bob', 'alice')).toBe(false);
  });

  it('ends the call of a user who leaves and returns the peer to tell', async () => {
    await registry.ring('Alice', 'bob');
    expect(await registry.unregister('bob', bob)).toBe('Alice');
    expect(registry.inspect()).toEqual({ users: ['Alice', 'carol'], calls: [] });
    expect((await registry.ring('alice', 'carol')).outcome).toBe('ringing');
    expect(registry.violations()).toEqual([]);
  });

  it('expires a call that still rings, and only that call', async () => {
    const first = await registry.ring('Alice', 'bob');
    if (first.outcome !== 'ringing') throw new Error('expected ringing');
    await registry.hangUp('bob');
    const second = await registry.ring('Alice', 'bob');
    if (second.outcome !== 'ringing') throw new Error('expected ringing');
    // The first call's timer fires late: the new call between the same two must survive it.
    expect(await registry.expire(first.callId)).toBeUndefined();
    expect(registry.inspect().calls).toHaveLength(1);
    await registry.accept('bob', 'alice');
    expect(await registry.expire(second.callId)).toBeUndefined();
    await registry.hangUp('bob');
    const third = await registry.ring('carol', 'bob');
    if (third.outcome !== 'ringing') throw new Error('expected ringing');
    expect(await registry.expire(third.callId)).toEqual({ caller: 'carol', callee: 'bob' });
    expect(registry.inspect().calls).toEqual([]);
    expect(registry.violations()).toEqual([]);
  });
});
