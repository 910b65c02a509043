import type { ColumnType, Kysely } from 'kysely';

/**
 * Ms since the epoch, kept as BIGINT. PostgreSQL hands an int8 back as a string (it may not fit
 * a JS number; ours always do), SQLite as a number: read every one through `millis()`.
 */
export type MillisColumn = ColumnType<number | string, number, number>;

export function millis(value: number | string | bigint): number {
  return Number(value);
}

/** One Kysely schema for SQLite and PostgreSQL (migrations.ts makes it). */
export interface DuetTables {
  push_subscriptions: {
    /** The push service's URL for this browser profile: its identity, and a capability (never logged). */
    endpoint: string;
    /** `usernameKey(username)`: what lookups match. */
    user_key: string;
    username: string;
    p256dh: string;
    auth: string;
    created_at: MillisColumn;
  };
  /** One row per call per party. */
  call_records: {
    id: string;
    call_id: string;
    owner_key: string;
    /** The other party, as they wrote their name. */
    peer: string;
    direction: 'outgoing' | 'incoming';
    outcome: 'answered' | 'missed' | 'declined' | 'busy' | 'failed';
    started_at: MillisColumn;
    answered_at: ColumnType<number | string | null, number | null, number | null>;
    ended_at: ColumnType<number | string | null, number | null, number | null>;
    duration_ms: MillisColumn;
  };
  device_rings: {
    call_id: string;
    caller_key: string;
    caller: string;
    callee_key: string;
    callee: string;
    offer_json: string;
    capability_hash: string;
    expires_at: MillisColumn;
  };
  server_keys: {
    name: string;
    value: string;
  };
  /** Guest invite links (issue 25): what revokes and lists them. The token itself is never kept. */
  invites: {
    id: string;
    /** `usernameKey` of the member who made it. */
    inviter: string;
    /** The member's name as they wrote it (what guests are shown). */
    inviter_name: string;
    created_at: MillisColumn;
    expires_at: MillisColumn;
    revoked_at: ColumnType<number | string | null, number | null, number | null>;
  };
}

export type DuetDatabase = Kysely<DuetTables>;

/** The migrated database (a `DuetDatabase`), for `@Inject(DUET_DATABASE)`. */
export const DUET_DATABASE = Symbol('DUET_DATABASE');

/** Which SQL the database speaks, where the two differ (locks). */
export type DatabaseKind = 'sqlite' | 'postgres';
