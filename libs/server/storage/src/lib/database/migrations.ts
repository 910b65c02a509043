import { Kysely, sql } from 'kysely';
import { Migration, MigrationProvider } from 'kysely/migration';

/**
 * Every schema change, in order, in code (no files to ship beside the bundle). Names sort: a
 * migration is never edited once released; a change is a new entry.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001-accounts': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the schema as it was then, not DuetTables
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('push_subscriptions')
        .addColumn('endpoint', 'text', (column) => column.primaryKey())
        .addColumn('user_key', 'text', (column) => column.notNull())
        .addColumn('username', 'text', (column) => column.notNull())
        .addColumn('p256dh', 'text', (column) => column.notNull())
        .addColumn('auth', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('push_subscriptions_user_key').on('push_subscriptions').column('user_key').execute();

      await db.schema
        .createTable('call_records')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('call_id', 'text', (column) => column.notNull())
        .addColumn('owner_key', 'text', (column) => column.notNull())
        .addColumn('peer', 'text', (column) => column.notNull())
        .addColumn('direction', 'text', (column) => column.notNull())
        .addColumn('outcome', 'text', (column) => column.notNull())
        .addColumn('started_at', 'bigint', (column) => column.notNull())
        .addColumn('answered_at', 'bigint')
        .addColumn('ended_at', 'bigint')
        .addColumn('duration_ms', 'bigint', (column) => column.notNull().defaultTo(sql`0`))
        .execute();
      await db.schema.createIndex('call_records_owner_started').on('call_records').columns(['owner_key', 'started_at']).execute();
      await db.schema.createIndex('call_records_call_id').on('call_records').column('call_id').execute();
      await db.schema.createIndex('call_records_started').on('call_records').column('started_at').execute();

      await db.schema
        .createTable('device_rings')
        .addColumn('call_id', 'text', (column) => column.primaryKey())
        .addColumn('caller_key', 'text', (column) => column.notNull())
        .addColumn('caller', 'text', (column) => column.notNull())
        .addColumn('callee_key', 'text', (column) => column.notNull())
        .addColumn('callee', 'text', (column) => column.notNull())
        .addColumn('offer_json', 'text', (column) => column.notNull())
        .addColumn('capability_hash', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('device_rings_callee_key').on('device_rings').column('callee_key').execute();
      await db.schema.createIndex('device_rings_caller_key').on('device_rings').column('caller_key').execute();

      await db.schema
        .createTable('server_keys')
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('value', 'text', (column) => column.notNull())
        .execute();
    },
  },
  '0002-invites': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the schema as it was then, not DuetTables
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('invites')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('inviter', 'text', (column) => column.notNull())
        .addColumn('inviter_name', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('expires_at', 'bigint', (column) => column.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('invites_inviter_expires').on('invites').columns(['inviter', 'expires_at']).execute();
      await db.schema.createIndex('invites_expires').on('invites').column('expires_at').execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

/** Kysely's bookkeeping tables, named for Duet so a shared PostgreSQL database shows whose they are. */
export const MIGRATION_TABLE = 'duet_migration';
export const MIGRATION_LOCK_TABLE = 'duet_migration_lock';
