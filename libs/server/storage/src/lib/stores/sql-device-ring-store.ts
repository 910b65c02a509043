import { DeviceRing, DeviceRingStore } from '@duet/server/signaling';
import { OfferDescription, usernameKey } from '@duet/shared/protocol';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { Selectable } from 'kysely';
import { DUET_DATABASE, DuetDatabase, DuetTables, millis } from '../database/schema';
import { STORAGE_CLOCK } from './storage-clock';

/** How many of a callee's waiting rings one `takeForCallee` tries, should others take them first. */
const TAKE_FOR_CALLEE_CANDIDATES = 5;

/**
 * Rings in the shared database, so the callee's app may sign in on any instance. Every take is a
 * single `DELETE ... RETURNING` (SQLite >= 3.35, PostgreSQL): of two takes racing for one ring,
 * exactly one gets it. Expired rings are never returned; the daily prune removes their rows.
 */
@Injectable()
export class SqlDeviceRingStore extends DeviceRingStore {
  constructor(
    @Inject(DUET_DATABASE) private readonly db: DuetDatabase,
    @Optional() @Inject(STORAGE_CLOCK) private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async add(ring: DeviceRing): Promise<void> {
    await this.db
      .insertInto('device_rings')
      .values({
        call_id: ring.callId,
        caller_key: usernameKey(ring.caller),
        caller: ring.caller,
        callee_key: usernameKey(ring.callee),
        callee: ring.callee,
        offer_json: JSON.stringify(ring.offer),
        capability_hash: ring.capabilityHash,
        expires_at: ring.expiresAt,
      })
      .execute();
  }

  async take(callId: string, capabilityHash?: string): Promise<DeviceRing | undefined> {
    let query = this.db.deleteFrom('device_rings').where('call_id', '=', callId).where('expires_at', '>', this.now());
    if (capabilityHash !== undefined) query = query.where('capability_hash', '=', capabilityHash);
    const row = await query.returningAll().executeTakeFirst();
    return row && ringOf(row);
  }

  async takeForCallee(callee: string): Promise<DeviceRing | undefined> {
    // Oldest first: every ring lasts as long, so the one that expires first began first.
    const waiting = await this.db
      .selectFrom('device_rings')
      .select('call_id')
      .where('callee_key', '=', usernameKey(callee))
      .where('expires_at', '>', this.now())
      .orderBy('expires_at')
      .limit(TAKE_FOR_CALLEE_CANDIDATES)
      .execute();
    for (const { call_id } of waiting) {
      const ring = await this.take(call_id);
      if (ring !== undefined) return ring;
    }
    return undefined;
  }

  async isRinging(caller: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('device_rings')
      .select('call_id')
      .where('caller_key', '=', usernameKey(caller))
      .where('expires_at', '>', this.now())
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}

function ringOf(row: Selectable<DuetTables['device_rings']>): DeviceRing {
  return {
    callId: row.call_id,
    caller: row.caller,
    callee: row.callee,
    offer: JSON.parse(row.offer_json) as OfferDescription,
    capabilityHash: row.capability_hash,
    expiresAt: millis(row.expires_at),
  };
}
