import { InspectableRegistry } from '../testing/inspectable-registry';
import { describeRegistryContract } from '../testing/registry-contract';
import { InMemoryUserRegistry } from './in-memory-user-registry.service';

describeRegistryContract(InMemoryUserRegistry.name, async () => {
  const registry = new InspectableRegistry();
  return {
    registry,
    inspect: async () => registry.inspect(),
    callRecord: async (username) => registry.callRecord(username),
    claimant: async (callId) => registry.claimant(callId),
    violations: async () => registry.violations(),
    close: async () => undefined,
  };
});
