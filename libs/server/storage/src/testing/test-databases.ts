import type { AccountsConfig } from '@duet/server/config';
import { PostgresServer, startPostgres } from '@duet/testing/processes';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type DatabaseConfig = AccountsConfig['database'];

/** One of the two databases Duet runs on, real, for contract specs: every case runs against both. */
export interface TestDatabaseServer {
  readonly name: string;
  start(): Promise<void>;
  /** An empty database of its own (a new SQLite directory, or a new PostgreSQL database). */
  fresh(): Promise<DatabaseConfig>;
  stop(): Promise<void>;
}

let databases = 0;

function sqlite(): TestDatabaseServer {
  let root: string | undefined;
  return {
    name: 'SQLite',
    start: async () => {
      root = mkdtempSync(join(tmpdir(), 'duet-sqlite-'));
    },
    fresh: async () => ({ kind: 'sqlite', directory: join(root ?? '', `db${++databases}`) }),
    stop: async () => {
      if (root) rmSync(root, { recursive: true, force: true });
    },
  };
}

function postgres(): TestDatabaseServer {
  let server: PostgresServer | undefined;
  return {
    name: 'PostgreSQL',
    start: async () => {
      server = await startPostgres();
    },
    fresh: async () => {
      if (!server) throw new Error('PostgreSQL not started');
      return { kind: 'postgres', url: await server.createDatabase(`duet${++databases}`) };
    },
    stop: async () => server?.stop(),
  };
}

/** `describe.each` rows: `[name, server]` for SQLite (a temporary directory) and PostgreSQL (startPostgres). */
export function testDatabaseServers(): [string, TestDatabaseServer][] {
  return [sqlite(), postgres()].map((server) => [server.name, server]);
}
