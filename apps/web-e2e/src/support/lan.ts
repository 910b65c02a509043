import { networkInterfaces } from 'node:os';

/**
 * An IPv4 address of this machine other than loopback: where "another machine on the LAN" reaches
 * it. Chromium treats http://127.0.0.1 and http://localhost as secure; only such an address shows
 * what a second machine sees. None is a failure, never a skip: the test would prove nothing.
 */
export function lanAddress(): string {
  const address = Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .find((entry) => entry.family === 'IPv4' && !entry.internal)?.address;
  if (!address) {
    throw new Error(
      `${process.env['CI'] ? 'CI: ' : ''}this machine has no non-loopback IPv4 address, so the LAN tests cannot open ` +
        'Duet the way a second machine would. Give it one (any interface that is up). They are not skipped.',
    );
  }
  return address;
}
