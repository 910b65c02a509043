import type { AccountsConfig } from '@duet/server/config';
import { Logger } from '@nestjs/common';
import Sqlite from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Pool, PoolConfig } from 'pg';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, migrationProvider } from './migrations';
import { DatabaseKind, DuetDatabase, DuetTables } from './schema';

/** The SQLite file inside `DATA_DIR`. */
export const SQLITE_FILE = 'duet.sqlite';
/** How long a statement waits for another connection's write lock before failing (SQLite). */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;
const POSTGRES_CONNECT_TIMEOUT_MS = 10_000;
const POSTGRES_POOL_SIZE = 10;

const logger = new Logger('Storage');

/**
 * Opens the accounts database and brings its schema up to date: SQLite `<DATA_DIR>/duet.sqlite`
 * (directory created if missing; WAL, so readers never wait for the writer), or PostgreSQL at
 * `DATABASE_URL`. A database that cannot be opened or migrated fails here, with a message that
 * says which and why (never the URL's password). Close it with `destroy()`.
 */
export async function openDatabase(database: AccountsConfig['database']): Promise<DuetDatabase> {
  const db = database.kind === 'sqlite' ? openSqlite(database.directory) : openPostgres(database.url);
  try {
    await migrate(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    const where = database.kind === 'sqlite' ? `SQLite database ${join(resolve(database.directory), SQLITE_FILE)}` : `PostgreSQL database ${redactedUrl(database.url)}`;
    throw new Error(`Cannot open the ${where}: ${reasonOf(error)}`, { cause: error });
  }
  return db;
}

export async function migrate(db: DuetDatabase): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableName: MIGRATION_TABLE, migrationLockTableName: MIGRATION_LOCK_TABLE });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error');
    throw failed ? new Error(`migration ${failed.migrationName} failed: ${reasonOf(error)}`, { cause: error }) : error;
  }
  for (const result of results ?? []) logger.log(`Database migrated: ${result.migrationName}`);
}

export function databaseKind(db: DuetDatabase): DatabaseKind {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

function openSqlite(directory: string): DuetDatabase {
  const path = join(resolve(directory), SQLITE_FILE);
  try {
    mkdirSync(directory, { recursive: true });
    accessSync(directory, constants.W_OK);
  } catch (error) {
    throw new Error(`Invalid DATA_DIR: ${resolve(directory)} is not a directory Duet can write to (${reasonOf(error)})`, { cause: error });
  }
  let file: Sqlite.Database;
  try {
    file = new Sqlite(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    file.pragma('journal_mode = WAL');
  } catch (error) {
    throw new Error(`Cannot open the SQLite database ${path}: ${reasonOf(error)}`, { cause: error });
  }
  return new Kysely<DuetTables>({ dialect: new SqliteDialect({ database: file }) });
}

function openPostgres(url: string): DuetDatabase {
  const pool = new ClosingPool({ connectionString: url, max: POSTGRES_POOL_SIZE, connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS });
  // An idle connection that breaks (the server restarted) is dropped from the pool and replaced on
  // the next query; without a listener the pool's 'error' would end the process.
  pool.on('error', (error) => logger.warn(`PostgreSQL connection lost: ${reasonOf(error)}`));
  return new Kysely<DuetTables>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * A pool whose `end()` (Kysely's `destroy()`) resolves once every connection has really closed: pg's
 * resolves once each was asked to, so a server stopped right after would cut them off mid-goodbye.
 */
class ClosingPool extends Pool {
  private readonly open = new Set<Promise<void>>();

  constructor(config: PoolConfig) {
    super(config);
    this.on('connect', (client) => {
      const closed = new Promise<void>((resolve) => client.once('end', () => resolve()));
      this.open.add(closed);
      void closed.then(() => this.open.delete(closed));
    });
  }

  override async end(): Promise<void> {
    await super.end();
    await Promise.all([...this.open]);
  }
}

/** `DATABASE_URL` as it may be printed: without its password. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(DATABASE_URL)';
  }
}

/** What went wrong, in one line: the first of an AggregateError's (a name that resolved to several addresses), with its code. */
function reasonOf(error: unknown): string {
  // Duck-typed: errors from Node's own modules may come from another realm (Jest), failing instanceof.
  if (typeof error !== 'object' || error === null) return String(error);
  const { message, code, errors } = error as { message?: unknown; code?: unknown; errors?: unknown };
  if (Array.isArray(errors) && errors.length > 0) return reasonOf(errors[0]);
  const text = typeof message === 'string' && message !== '' ? message : String(code ?? error);
  return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
}
