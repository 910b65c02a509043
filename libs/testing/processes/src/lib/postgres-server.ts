import { ChildProcess, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureOutput, CapturedOutput, exitOf, stopChild } from './child';
import { freePort } from './free-port';

/** Debian's PostgreSQL (`apt-get install postgresql`): its newest `/usr/lib/postgresql/<major>/bin`, or `POSTGRES_BIN_DIR`. */
export function postgresBinDir(): string {
  const configured = process.env['POSTGRES_BIN_DIR'];
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((name) => /^\d+$/.test(name)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  const dir = configured ?? (newest === undefined ? undefined : `/usr/lib/postgresql/${newest}/bin`);
  if (dir === undefined || !existsSync(join(dir, 'postgres'))) {
    // A missing server fails the run, in CI or not: a green run must mean PostgreSQL was really used.
    throw new Error(
      `${process.env['CI'] ? 'CI: ' : ''}PostgreSQL not found (${dir ?? '/usr/lib/postgresql/<major>/bin'}). The database tests need it: ` +
        'apt-get install -y postgresql (or set POSTGRES_BIN_DIR). They are not skipped.',
    );
  }
  return dir;
}

export interface PostgresServer {
  readonly port: number;
  /** Its temporary directory (data and socket), removed by `stop()`. */
  readonly directory: string;
  /** The `postgres` database, as the trusted superuser `duet` (no password): `postgres://duet@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  /** Creates an empty database `name` and resolves with its URL: one per test file or suite keeps them apart. */
  createDatabase(name: string): Promise<string>;
  /** Everything the server printed. */
  output(): string;
  /** Stops it (fast shutdown: open connections are ended) and deletes its files. */
  stop(): Promise<void>;
}

const SUPERUSER = 'duet';

/**
 * A real PostgreSQL on a free loopback port, in a temporary directory, for tests: `initdb` with
 * trust authentication, then `postgres` with its socket in that directory. PostgreSQL refuses to
 * run as root, so as root both run as the `postgres` user (the Debian package creates it). No
 * fsync: the tests need a real server, not crash safety. Stop it in `afterAll`.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const user = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'duet-postgres-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  let child: ChildProcess | undefined;
  let output: CapturedOutput | undefined;
  try {
    await run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', SUPERUSER, '-E', 'UTF8', '--locale=C', '--no-sync'], user);
    const port = await freePort();
    child = spawn(join(bin, 'postgres'), ['-D', data, '-k', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...user,
    });
    output = captureOutput(child, 'postgres');
    await output.waitFor('database system is ready to accept connections', 30_000);
    const running = child;
    const captured = output;
    return {
      port,
      directory: dir,
      url: `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`,
      output: () => captured.text(),
      createDatabase: async (name) => {
        await run(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', SUPERUSER, name], user);
        return `postgres://${SUPERUSER}@127.0.0.1:${port}/${name}`;
      },
      stop: async () => {
        // SIGINT is PostgreSQL's fast shutdown; SIGTERM ("smart") would wait for every client to leave.
        await stopChild(running, 'SIGINT', 10_000);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (child) await stopChild(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Runs a PostgreSQL tool to its end; rejects with what it printed if it fails. */
async function run(path: string, args: readonly string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'], ...user });
  const output = captureOutput(child, path);
  await exitOf(child);
  if (child.exitCode !== 0) throw new Error(`${path} ${args.join(' ')} failed (${child.exitCode ?? child.signalCode}):\n${output.text()}`);
}

/** `name`'s uid and gid, from /etc/passwd. */
function systemUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  if (line === undefined) throw new Error(`PostgreSQL refuses to run as root, and there is no "${name}" user to run it as (apt-get install -y postgresql creates it)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
