import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { PostgresServer, startPostgres } from './postgres-server';

describe('startPostgres', () => {
  let postgres: PostgresServer;

  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(() => postgres?.stop());

  it('runs a real PostgreSQL on its loopback port, ready when it resolves, that creates databases', async () => {
    const url = await postgres.createDatabase('probe');
    expect(url).toBe(`postgres://duet@127.0.0.1:${postgres.port}/probe`);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ database: string; address: string }>('select current_database() as database, inet_server_addr()::text as address');
      expect(rows).toEqual([{ database: 'probe', address: '127.0.0.1/32' }]);
    } finally {
      await client.end();
    }
  });

  it('stops by its PID and removes its files', async () => {
    const other = await startPostgres();
    await other.stop();
    const client = new Client({ connectionString: other.url, connectionTimeoutMillis: 2_000 });
    await expect(client.connect()).rejects.toThrow(/ECONNREFUSED/);
    expect(existsSync(other.directory)).toBe(false);
  });
});
