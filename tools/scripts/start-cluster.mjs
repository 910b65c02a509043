// `npm run start:cluster`: a local cluster to try: redis-server on a free loopback port (or the one
// REDIS_URL names) and two Duet instances sharing it, on PORT and PORT+1 (3000 and 3001 by default).
// Open one in each tab, log in with two names, call across instances. Ctrl-C stops everything.
// Other variables (RING_TIMEOUT_MS, ...) reach both instances as they are.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const serverMain = join(root, 'dist/apps/server/main.js');
const basePort = Number(process.env.PORT || 3000);
const children = [];
let stopping = false;

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/** Starts `command`, prefixing each line it prints with `label`; resolves when a line contains `ready`. */
function run(label, command, args, env, ready) {
  return new Promise((resolveReady, reject) => {
    // Detached: Ctrl-C reaches this script only, which stops the instances before Redis, in order.
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.push(child);
    let seen = '';
    const print = (chunk) => {
      const text = chunk.toString();
      for (const line of text.split('\n').filter(Boolean)) console.log(`[${label}] ${line}`);
      seen += text;
      if (ready && seen.includes(ready)) resolveReady(child);
    };
    child.stdout.on('data', print);
    child.stderr.on('data', print);
    child.once('error', (error) => reject(new Error(`${label}: ${error.message}`)));
    child.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`[${label}] exited (${code ?? signal}); stopping the cluster`);
        stop(1);
      }
      reject(new Error(`${label} exited before it was ready`));
    });
    if (!ready) resolveReady(child);
  });
}

function stop(code) {
  if (stopping) return;
  stopping = true;
  // The instances first, so they release their users while Redis still answers.
  const [redis, ...instances] = children;
  const exited = (child) => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((done) => child.once('exit', done)));
  for (const child of instances) child.kill('SIGTERM');
  Promise.all(instances.map(exited)).then(() => {
    if (redis && process.env.REDIS_URL === undefined) redis.kill('SIGTERM');
    return redis ? exited(redis) : undefined;
  }).then(() => process.exit(code));
  setTimeout(() => {
    children.filter(Boolean).forEach((child) => child.kill('SIGKILL'));
    process.exit(code);
  }, 10_000).unref();
}

process.once('exit', () => children.filter(Boolean).forEach((child) => child.kill('SIGKILL')));
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));

async function main() {
  if (!existsSync(serverMain)) throw new Error(`${serverMain} is missing: run "npx nx run-many -t build -p server web" (npm run start:cluster does)`);
  let redisUrl = process.env.REDIS_URL;
  if (redisUrl === undefined) {
    const binary = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
    if (!existsSync(binary)) throw new Error(`redis-server not found at ${binary}: apt-get install redis-server, or set REDIS_URL to a Redis of yours`);
    const port = await freePort();
    // Nothing persisted: a local cluster to try, not a store to keep.
    await run('redis', binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {}, 'Ready to accept connections');
    redisUrl = `redis://127.0.0.1:${port}`;
  } else {
    children.push(null);
  }
  const ports = [basePort, basePort + 1];
  await Promise.all(
    ports.map((port, n) =>
      run(`duet-${n + 1}`, process.execPath, [serverMain], { PORT: String(port), REDIS_URL: redisUrl }, 'serving on'),
    ),
  );
  console.log(`\nA Duet cluster of two instances is up, sharing ${redisUrl}:`);
  for (const port of ports) console.log(`  http://localhost:${port}`);
  console.log('Open one in each tab, log in with two names, and call: the call crosses instances. Ctrl-C stops it all.\n');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  stop(1);
});
