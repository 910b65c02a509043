/// <reference types="jest" />
import { MessageSink } from '../lib/message-sink';
import { UserRegistryService } from '../lib/user-registry.service';
import { describeCallTableContract } from './call-table-contract';
import { CallRecord, RegistrySnapshot } from './inspectable-registry';

/** A registry to hold to the contract, with read-only probes into wherever it keeps its state. */
export interface RegistryUnderTest {
  readonly registry: UserRegistryService;
  /** Users in login order, and calls. */
  inspect(): Promise<RegistrySnapshot>;
  /** `username`'s call as stored, with the keys of the parties holding an offer not yet answered. */
  callRecord(username: string): Promise<CallRecord | undefined>;
  /** The key of the user whose claim to call `callId` waits (after a restart), if any. */
  claimant(callId: string): Promise<string | undefined>;
  /** The invariants it must keep whatever clients send: the broken ones, empty when all hold. */
  violations(): Promise<string[]>;
  /** Stops whatever the registry started (connections, timers). */
  close(): Promise<void>;
}

const sink = (): MessageSink => ({ send: jest.fn(), relay: jest.fn(() => true) });

/**
 * What every `UserRegistryService` must do, the same way, whatever keeps its state: the in-memory
 * registry and the Redis one both run this, so they cannot drift apart. The call rules are walked
 * row by row against `CALL_TABLE` (`describeCallTableContract`); the cases here tell the stories.
 */
export function describeRegistryContract(name: string, create: () => Promise<RegistryUnderTest>): void {
  describe(`${name} (registry contract)`, () => {
    let underTest: RegistryUnderTest;
    let registry: UserRegistryService;
    const alice = sink();
    const bob = sink();
    const carol = sink();

    beforeEach(async () => {
      underTest = await create();
      registry = underTest.registry;
      await registry.register('Alice', alice);
      await registry.register('bob', bob);
      await registry.register('carol', carol);
    });
    afterEach(async () => {
      try {
        expect(await underTest.violations()).toEqual([]);
      } finally {
        await underTest.close();
      }
    });

    /** Alice calls bob; returns the call's id. */
    async function ring(): Promise<string> {
      const result = await registry.offer('Alice', 'bob');
      if (result.outcome !== 'ringing') throw new Error(`expected ringing, got ${result.outcome}`);
      return result.callId;
    }

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

    it('lets only the current holder release or hand over a name', async () => {
      expect(await registry.unregister('alice', sink())).toBeUndefined();
      expect(await registry.replace('alice', sink(), sink())).toBe(false);
      expect((await registry.find('alice'))?.sink).toBe(alice);
      const resumed = sink();
      expect(await registry.replace('ALICE', alice, resumed)).toBe(true);
      expect(await registry.find('alice')).toEqual({ username: 'Alice', sink: resumed });
      await registry.unregister('alice', resumed);
      expect(await registry.find('alice')).toBeUndefined();
      expect(await registry.register('alice', sink())).toBe(true);
    });

    it('keeps the call of a user whose session is handed over', async () => {
      const callId = await ring();
      await registry.replace('alice', alice, sink());
      expect(await registry.callOf('alice')).toEqual({ callId, peer: 'bob', state: 'ringing' });
    });

    it('lists at most the requested number of users, in login order, and counts them all', async () => {
      const page = await registry.online(2);
      expect(page.users.map((user) => user.username)).toEqual(['Alice', 'bob']);
      expect(page.total).toBe(3);
      await registry.unregister('alice', alice);
      expect((await registry.online(5)).users.map((user) => user.username)).toEqual(['bob', 'carol']);
    });

    it('finds online names by how they start, in any letter case, in name order, at most the limit', async () => {
      for (const name of ['alan', 'Albert', 'al', 'al-x', 'bo']) await registry.register(name, sink());
      expect(await registry.search('AL', 10)).toEqual({ users: ['al', 'al-x', 'alan', 'Albert', 'Alice'], more: false });
      expect(await registry.search('al', 2)).toEqual({ users: ['al', 'al-x'], more: true });
      expect(await registry.search('b', 5)).toEqual({ users: ['bo', 'bob'], more: false });
      expect(await registry.search('', 3)).toEqual({ users: ['al', 'al-x', 'alan'], more: true });
      expect(await registry.search('zed', 3)).toEqual({ users: [], more: false });
      await registry.unregister('Alice', alice);
      await registry.unregister('al', (await registry.find('al'))?.sink as MessageSink);
      expect(await registry.search('al', 10)).toEqual({ users: ['al-x', 'alan', 'Albert'], more: false });
    });

    it("finds one inviter's guests by their key prefix, whatever their display names hold, and no one else's", async () => {
      const names = ['guest:Alice:Zoë', 'guest:alice:Пётр', 'guest:alice:山田', 'guest:alice:a:b', 'guest:alicia:Eve', 'guest:al:X'];
      for (const name of names) await registry.register(name, sink());
      expect(await registry.search('guest:ALICE:', 20)).toEqual({ users: ['guest:alice:a:b', 'guest:Alice:Zoë', 'guest:alice:Пётр', 'guest:alice:山田'], more: false });
      expect(await registry.search('guest:alice:п', 20)).toEqual({ users: ['guest:alice:Пётр'], more: false });
      expect(await registry.search('guest:al:', 20)).toEqual({ users: ['guest:al:X'], more: false });
    });

    it('tells which of the given names are in a call, ringing or active, in any letter case', async () => {
      expect(await registry.busyAmong(['alice', 'bob', 'carol', 'nobody'])).toEqual([]);
      const callId = await ring();
      expect(await registry.busyAmong(['ALICE', 'bob', 'carol', 'nobody'])).toEqual(['ALICE', 'bob']);
      await registry.accept('bob', 'alice', callId);
      expect(await registry.busyAmong(['carol', 'Bob'])).toEqual(['Bob']);
      await registry.hangUp('alice');
      expect(await registry.busyAmong(['alice', 'bob'])).toEqual([]);
      expect(await registry.busyAmong([])).toEqual([]);
    });

    it('rings a free callee under a fresh unguessable id, then reports each reason a second call cannot start', async () => {
      const result = await registry.offer('Alice', 'BOB');
      expect(result).toEqual({ outcome: 'ringing', callId: expect.stringMatching(/^[\w-]{16}$/), callee: { username: 'bob', sink: bob } });
      expect(await registry.offer('carol', 'bob')).toEqual({ outcome: 'callee-busy' });
      expect(await registry.offer('alice', 'carol')).toEqual({ outcome: 'caller-busy' });
      expect(await registry.offer('carol', 'dave')).toEqual({ outcome: 'callee-offline' });
      expect((await underTest.inspect()).calls).toEqual([{ caller: 'Alice', callee: 'bob', state: 'ringing' }]);
      await registry.hangUp('bob');
      const next = await registry.offer('Alice', 'bob');
      expect(next.outcome === 'ringing' && result.outcome === 'ringing' && next.callId !== result.callId).toBe(true);
    });

    it("lets a ringing call carry one offer each way: the call, and the callee's in glare", async () => {
      const callId = await ring();
      expect(await registry.offer('alice', 'bob')).toEqual({ outcome: 'offer-pending' });
      expect(await registry.offer('bob', 'alice')).toEqual({ outcome: 'in-call', callId, callee: { username: 'Alice', sink: alice } });
      expect(await registry.offer('bob', 'alice')).toEqual({ outcome: 'offer-pending' });
    });

    it('activates a call only on the answer of the party that holds the offer', async () => {
      const callId = await ring();
      expect(await registry.accept('carol', 'bob')).toEqual({ outcome: 'not-in-call' });
      expect(await registry.accept('bob', 'bob')).toEqual({ outcome: 'not-in-call' });
      // The caller cannot answer its own call.
      expect(await registry.accept('alice', 'bob')).toEqual({ outcome: 'no-offer' });
      expect((await underTest.inspect()).calls).toEqual([{ caller: 'Alice', callee: 'bob', state: 'ringing' }]);
      expect(await registry.accept('bob', 'alice')).toEqual({ outcome: 'accepted', callId, peer: { username: 'Alice', sink: alice } });
      expect((await underTest.inspect()).calls).toEqual([{ caller: 'Alice', callee: 'bob', state: 'active' }]);
      // One answer per offer.
      expect(await registry.accept('bob', 'alice')).toEqual({ outcome: 'no-offer' });
    });

    it('lets the caller answer in glare, when the callee offered too', async () => {
      await ring();
      await registry.offer('bob', 'alice');
      expect((await registry.accept('alice', 'bob')).outcome).toBe('accepted');
      // The answerer rolled its own offer back: neither side holds an offer now.
      expect((await registry.accept('bob', 'alice')).outcome).toBe('no-offer');
    });

    it('lets either party renegotiate an active call, each offer answered once by the other', async () => {
      await ring();
      await registry.accept('bob', 'alice');
      expect((await registry.offer('bob', 'alice')).outcome).toBe('in-call');
      expect((await registry.accept('bob', 'alice')).outcome).toBe('no-offer');
      expect((await registry.accept('alice', 'bob')).outcome).toBe('accepted');
      // An ICE restart may supersede an unanswered offer in an active call.
      expect((await registry.offer('alice', 'bob')).outcome).toBe('in-call');
      expect((await registry.offer('alice', 'bob')).outcome).toBe('in-call');
    });

    it('refuses every message that names a call other than the current one as stale', async () => {
      const old = await ring();
      await registry.hangUp('alice');
      const current = await ring();
      for (const result of [
        await registry.offer('alice', 'bob', old),
        await registry.accept('bob', 'alice', old),
        await registry.partnerInCall('alice', 'bob', old),
        await registry.hangUp('alice', 'bob', old),
        await registry.decline('bob', 'alice', old),
        await registry.offer('carol', 'bob', current),
      ]) {
        expect(result).toEqual({ outcome: 'stale' });
      }
      expect(await registry.callOf('bob')).toEqual({ callId: current, peer: 'Alice', state: 'ringing' });
      expect((await registry.partnerInCall('bob', 'alice', current)).outcome).toBe('in-call');
    });

    it('gates candidates on sharing a call', async () => {
      const callId = await ring();
      expect(await registry.partnerInCall('bob', 'ALICE')).toEqual({ outcome: 'in-call', callId, peer: { username: 'Alice', sink: alice } });
      expect(await registry.partnerInCall('carol', 'bob')).toEqual({ outcome: 'not-in-call' });
      expect(await registry.partnerInCall('carol', 'carol')).toEqual({ outcome: 'not-in-call' });
      await registry.hangUp('alice');
      expect(await registry.partnerInCall('bob', 'alice')).toEqual({ outcome: 'not-in-call' });
    });

    it('hangs up only the call with the named peer, and returns that peer', async () => {
      const callId = await ring();
      expect(await registry.hangUp('alice', 'carol')).toEqual({ outcome: 'not-in-call' });
      expect(await registry.hangUp('carol')).toEqual({ outcome: 'not-in-call' });
      expect(await registry.hangUp('bob')).toEqual({ outcome: 'ended', callId, peer: 'Alice' });
      expect((await underTest.inspect()).calls).toEqual([]);
    });

    it('lets only the callee decline, and only while it rings', async () => {
      const callId = await ring();
      expect(await registry.decline('alice', 'bob')).toEqual({ outcome: 'not-ringing' });
      expect(await registry.decline('bob', 'alice')).toEqual({ outcome: 'declined', callId });
      expect((await underTest.inspect()).calls).toEqual([]);

      await ring();
      await registry.accept('bob', 'alice');
      expect(await registry.decline('bob', 'alice')).toEqual({ outcome: 'not-ringing' });
    });

    it('ends the call of a user who leaves and returns the peer to tell', async () => {
      const callId = await ring();
      expect(await registry.unregister('bob', bob)).toEqual({ callId, peer: 'Alice' });
      expect(await underTest.inspect()).toEqual({ users: ['Alice', 'carol'], calls: [] });
      expect((await registry.offer('alice', 'carol')).outcome).toBe('ringing');
    });

    it('expires a call that still rings, and only that call', async () => {
      const first = await ring();
      await registry.hangUp('bob');
      const second = await ring();
      // The first call's timer fires late: the new call between the same two must survive it.
      expect(await registry.expire(first)).toBeUndefined();
      expect((await underTest.inspect()).calls).toHaveLength(1);
      await registry.accept('bob', 'alice');
      expect(await registry.expire(second)).toBeUndefined();
      await registry.hangUp('bob');
      const third = await registry.offer('carol', 'bob');
      if (third.outcome !== 'ringing') throw new Error('expected ringing');
      expect(await registry.expire(third.callId)).toEqual({ caller: 'carol', callee: 'bob' });
      expect((await underTest.inspect()).calls).toEqual([]);
    });

    describe('after a restart', () => {
      it('restores a call once both parties claim it, active, under its old id', async () => {
        expect(await registry.rejoin('alice', 'bob', 'call-1')).toEqual({ outcome: 'waiting' });
        expect(await registry.rejoin('BOB', 'alice', 'call-1')).toEqual({ outcome: 'restored', peer: { username: 'Alice', sink: alice } });
        expect(await registry.callOf('alice')).toEqual({ callId: 'call-1', peer: 'bob', state: 'active' });
        expect((await registry.partnerInCall('bob', 'alice', 'call-1')).outcome).toBe('in-call');
        expect(await registry.abandonClaim('alice', 'call-1')).toBe(false);
      });

      it('refuses a claim nobody else can confirm: a stranger, or a party now in another call', async () => {
        expect(await registry.rejoin('alice', 'bob', 'call-2')).toEqual({ outcome: 'waiting' });
        // carol claims alice's call with bob: the claim names alice, not carol.
        expect(await registry.rejoin('carol', 'alice', 'call-2')).toEqual({ outcome: 'refused' });
        expect(await registry.callOf('carol')).toBeUndefined();
        await ring();
        expect(await registry.rejoin('bob', 'alice', 'call-2')).toEqual({ outcome: 'refused' });
      });

      it('lets a waiting claim go when the window passes or the claimant leaves', async () => {
        await registry.rejoin('alice', 'dave', 'call-3');
        expect(await registry.abandonClaim('alice', 'call-3')).toBe(true);
        expect(await registry.abandonClaim('alice', 'call-3')).toBe(false);
        await registry.rejoin('carol', 'dave', 'call-4');
        await registry.unregister('carol', carol);
        await registry.register('dave', sink());
        expect(await registry.rejoin('dave', 'carol', 'call-4')).toEqual({ outcome: 'waiting' });
      });
    });
  });

  describeCallTableContract(name, create);
}
