import { InspectableRegistry } from '../testing/inspectable-registry';
import { MessageSink } from './message-sink';
import { InMemoryUserRegistry } from './in-memory-user-registry.service';

const sink = (): MessageSink => ({ send: jest.fn(), relay: jest.fn(() => true) });

describe(InMemoryUserRegistry.name, () => {
  let registry: InspectableRegistry;
  const alice = sink();
  const bob = sink();
  const carol = sink();

  beforeEach(async () => {
    registry = new InspectableRegistry();
    await registry.register('Alice', alice);
    await registry.register('bob', bob);
    await registry.register('carol', carol);
  });
  afterEach(() => expect(registry.violations()).toEqual([]));

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
    expect(await registry.offer('Alice', 'BOB')).toEqual({
      outcome: 'ringing',
      callId: expect.any(String),
      callee: { username: 'bob', sink: bob },
    });
    expect(await registry.offer('carol', 'bob')).toEqual({ outcome: 'callee-busy' });
    expect(await registry.offer('alice', 'carol')).toEqual({ outcome: 'caller-busy' });
    expect(await registry.offer('carol', 'dave')).toEqual({ outcome: 'callee-offline' });
    expect(registry.inspect().calls).toEqual([{ caller: 'Alice', callee: 'bob', state: 'ringing' }]);
  });

  it('lets a ringing call carry one offer each way: the call, and the callee\'s in glare', async () => {
    await registry.offer('Alice', 'bob');
    expect(await registry.offer('alice', 'bob')).toEqual({ outcome: 'offer-pending' });
    expect(await registry.offer('bob', 'alice')).toEqual({ outcome: 'in-call', callee: { username: 'Alice', sink: alice } });
    expect(await registry.offer('bob', 'alice')).toEqual({ outcome: 'offer-pending' });
  });

  it('activates a call only on the answer of the party that holds the offer', async () => {
    await registry.offer('Alice', 'bob');
    expect(await registry.accept('carol', 'bob')).toEqual({ outcome: 'not-in-call' });
    expect(await registry.accept('bob', 'bob')).toEqual({ outcome: 'not-in-call' });
    // The caller cannot answer its own call.
    expect(await registry.accept('alice', 'bob')).toEqual({ outcome: 'no-offer' });
    expect(registry.inspect().calls).toEqual([{ caller: 'Alice', callee: 'bob', state: 'ringing' }]);
    expect(await registry.accept('bob', 'alice')).toEqual({ outcome: 'accepted', peer: { username: 'Alice', sink: alice } });
    expect(registry.inspect().calls).toEqual([{ caller: 'Alice', callee: 'bob', state: 'active' }]);
    // One answer per offer.
    expect(await registry.accept('bob', 'alice')).toEqual({ outcome: 'no-offer' });
  });

  it('lets the caller answer in glare, when the callee offered too', async () => {
    await registry.offer('Alice', 'bob');
    await registry.offer('bob', 'alice');
    expect((await registry.accept('alice', 'bob')).outcome).toBe('accepted');
    // The answerer rolled its own offer back: neither side holds an offer now.
    expect((await registry.accept('bob', 'alice')).outcome).toBe('no-offer');
  });

  it('lets either party renegotiate an active call, each offer answered once by the other', async () => {
    await registry.offer('Alice', 'bob');
    await registry.accept('bob', 'alice');
    expect((await registry.offer('bob', 'alice')).outcome).toBe('in-call');
    expect((await registry.accept('bob', 'alice')).outcome).toBe('no-offer');
    expect((await registry.accept('alice', 'bob')).outcome).toBe('accepted');
    // An ICE restart may supersede an unanswered offer in an active call.
    expect((await registry.offer('alice', 'bob')).outcome).toBe('in-call');
    expect((await registry.offer('alice', 'bob')).outcome).toBe('in-call');
  });

  it('gates candidates on sharing a call', async () => {
    await registry.offer('Alice', 'bob');
    expect((await registry.partnerInCall('bob', 'ALICE'))?.username).toBe('Alice');
    expect((await registry.partnerInCall('alice', 'bob'))?.sink).toBe(bob);
    expect(await registry.partnerInCall('carol', 'bob')).toBeUndefined();
    expect(await registry.partnerInCall('carol', 'carol')).toBeUndefined();
  });

  it('hangs up only the call with the named peer, and returns that peer', async () => {
    await registry.offer('Alice', 'bob');
    expect(await registry.hangUp('alice', 'carol')).toBeUndefined();
    expect(await registry.hangUp('carol')).toBeUndefined();
    expect(await registry.hangUp('bob')).toBe('Alice');
    expect(registry.inspect().calls).toEqual([]);
  });

  it('lets only the callee decline, and only while it rings', async () => {
    await registry.offer('Alice', 'bob');
    expect(await registry.decline('alice', 'bob')).toBe(false);
    expect(await registry.decline('bob', 'alice')).toBe(true);
    expect(registry.inspect().calls).toEqual([]);

    await registry.offer('Alice', 'bob');
    await registry.accept('bob', 'alice');
    expect(await registry.decline('bob', 'alice')).toBe(false);
  });

  it('ends the call of a user who leaves and returns the peer to tell', async () => {
    await registry.offer('Alice', 'bob');
    expect(await registry.unregister('bob', bob)).toBe('Alice');
    expect(registry.inspect()).toEqual({ users: ['Alice', 'carol'], calls: [] });
    expect((await registry.offer('alice', 'carol')).outcome).toBe('ringing');
  });

  it('expires a call that still rings, and only that call', async () => {
    const first = await registry.offer('Alice', 'bob');
    if (first.outcome !== 'ringing') throw new Error('expected ringing');
    await registry.hangUp('bob');
    const second = await registry.offer('Alice', 'bob');
    if (second.outcome !== 'ringing') throw new Error('expected ringing');
    // The first call's timer fires late: the new call between the same two must survive it.
    expect(await registry.expire(first.callId)).toBeUndefined();
    expect(registry.inspect().calls).toHaveLength(1);
    await registry.accept('bob', 'alice');
    expect(await registry.expire(second.callId)).toBeUndefined();
    await registry.hangUp('bob');
    const third = await registry.offer('carol', 'bob');
    if (third.outcome !== 'ringing') throw new Error('expected ringing');
    expect(await registry.expire(third.callId)).toEqual({ caller: 'carol', callee: 'bob' });
    expect(registry.inspect().calls).toEqual([]);
  });
});
