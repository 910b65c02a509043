import { usernameKey } from '@duet/shared/protocol';
import { Injectable } from '@nestjs/common';
import { InMemoryUserRegistry } from '../lib/in-memory-user-registry.service';

export interface RegistrySnapshot {
  users: string[];
  calls: { caller: string; callee: string; state: string }[];
}

/** A call as a registry stores it; `holding`: the keys of the parties holding an offer not yet answered. */
export interface CallRecord {
  readonly id: string;
  readonly caller: string;
  readonly callee: string;
  readonly state: string;
  readonly holding: readonly string[];
}

/**
 * The in-memory registry with read-only probes, for tests only (never imported by the server):
 * a test provides it in place of the real one (`createDuetApp(config, { registry })`).
 */
@Injectable()
export class InspectableRegistry extends InMemoryUserRegistry {
  /** The whole state, to check that users and calls agree. */
  inspect(): RegistrySnapshot {
    return {
      users: [...this.users.values()].map((user) => user.username),
      calls: [...this.callsById.values()].map(({ caller, callee, state }) => ({ caller, callee, state })),
    };
  }

  callRecord(username: string): CallRecord | undefined {
    const call = this.calls.get(usernameKey(username));
    return call && { id: call.id, caller: call.caller, callee: call.callee, state: call.state, holding: [...call.awaitingAnswer] };
  }

  claimant(callId: string): string | undefined {
    return this.claims.get(callId)?.claimant;
  }

  /** The invariants the registry must keep whatever clients send: the broken ones, empty when all hold. */
  violations(): string[] {
    const broken: string[] = [];
    for (const call of this.callsById.values()) {
      for (const party of [call.caller, call.callee]) {
        const key = usernameKey(party);
        if (!this.users.has(key)) broken.push(`call ${call.id}: ${party} is not online`);
        if (this.calls.get(key) !== call) broken.push(`call ${call.id}: ${party} is not indexed to it`);
      }
      if (usernameKey(call.caller) === usernameKey(call.callee)) broken.push(`call ${call.id}: a self-call`);
      for (const key of call.awaitingAnswer) {
        if (key !== usernameKey(call.caller) && key !== usernameKey(call.callee)) {
          broken.push(`call ${call.id}: ${key} holds an offer but is not a party`);
        }
      }
    }
    for (const [key, call] of this.calls) {
      if (this.callsById.get(call.id) !== call) broken.push(`${key}: indexed to a call that ended`);
    }
    for (const [callId, claim] of this.claims) {
      if (this.claimOf.get(claim.claimant) !== callId) broken.push(`claim ${callId}: not indexed to ${claim.claimant}`);
      if (!this.users.has(claim.claimant)) broken.push(`claim ${callId}: ${claim.claimant} is not online`);
      if (this.calls.has(claim.claimant)) broken.push(`claim ${callId}: ${claim.claimant} is in a call`);
    }
    for (const [key, user] of this.users) {
      if (usernameKey(user.username) !== key) broken.push(`${key}: keyed under the wrong name`);
    }
    return broken;
  }
}
