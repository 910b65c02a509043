/// <reference types="jest" />
import { MessageSink } from '../lib/message-sink';
import { UserRegistryService } from '../lib/user-registry.service';

const sink = (): MessageSink => ({ send: jest.fn(), relay: jest.fn(() => true) });

/**
 * What every registry does with availability (issue 25): it goes with the name, set only by the
 * session holding it, kept across a resume, gone with a logout. Part of `describeRegistryContract`.
 */
export function describeAvailabilityContract(name: string, create: () => Promise<{ registry: UserRegistryService; close(): Promise<void> }>): void {
  describe(`${name} (availability contract)`, () => {
    let underTest: { registry: UserRegistryService; close(): Promise<void> };
    let registry: UserRegistryService;
    const alice = sink();
    const bob = sink();

    beforeEach(async () => {
      underTest = await create();
      registry = underTest.registry;
      await registry.register('Alice', alice);
      await registry.register('bob', bob);
    });
    afterEach(() => underTest.close());

    it('reports only who is not available, as the names were given, in any letter case', async () => {
      expect(await registry.availabilityAmong(['alice', 'bob', 'nobody'])).toEqual([]);
      expect(await registry.setAvailability('ALICE', alice, 'dnd')).toBe(true);
      expect(await registry.setAvailability('bob', bob, 'busy')).toBe(true);
      expect(await registry.availabilityAmong(['Alice', 'BOB', 'nobody'])).toEqual([
        { username: 'Alice', availability: 'dnd' },
        { username: 'BOB', availability: 'busy' },
      ]);
      expect(await registry.setAvailability('alice', alice, 'available')).toBe(true);
      expect(await registry.availabilityAmong(['alice', 'bob'])).toEqual([{ username: 'bob', availability: 'busy' }]);
      expect(await registry.availabilityAmong([])).toEqual([]);
    });

    it('lets only the session holding the name set it', async () => {
      expect(await registry.setAvailability('alice', sink(), 'dnd')).toBe(false);
      expect(await registry.setAvailability('carol', sink(), 'dnd')).toBe(false);
      expect(await registry.availabilityAmong(['alice', 'carol'])).toEqual([]);
    });

    it('keeps it across a resumed session and clears it when the name is released', async () => {
      await registry.setAvailability('alice', alice, 'dnd');
      const resumed = sink();
      await registry.replace('alice', alice, resumed);
      expect(await registry.availabilityAmong(['alice'])).toEqual([{ username: 'alice', availability: 'dnd' }]);
      expect(await registry.setAvailability('alice', alice, 'available')).toBe(false);
      await registry.unregister('alice', resumed);
      expect(await registry.availabilityAmong(['alice'])).toEqual([]);
      const again = sink();
      await registry.register('alice', again);
      expect(await registry.availabilityAmong(['alice'])).toEqual([]);
    });

    it('is another matter than being in a call', async () => {
      await registry.setAvailability('bob', bob, 'busy');
      expect((await registry.offer('alice', 'bob')).outcome).toBe('ringing');
      expect(await registry.availabilityAmong(['alice', 'bob'])).toEqual([{ username: 'bob', availability: 'busy' }]);
      expect(await registry.busyAmong(['alice', 'bob'])).toEqual(['alice', 'bob']);
    });
  });
}
