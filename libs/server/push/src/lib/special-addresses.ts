import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Addresses a push endpoint may not resolve to unless an operator listed the host literally:
 * everything that is not the public internet (loopback, private, link-local, unique-local,
 * carrier-grade NAT, unspecified, multicast, reserved and documentation ranges).
 */
const SPECIAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  SPECIAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo: tunnels to an address it hides
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  SPECIAL.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` (an IP literal) is anything but a public unicast address; non-IPs count as special. */
export function isSpecialAddress(address: string): boolean {
  if (isIPv4(address)) return SPECIAL.check(address, 'ipv4');
  if (!isIPv6(address)) return true;
  const embedded = embeddedIPv4(address);
  if (embedded !== undefined) return SPECIAL.check(embedded, 'ipv4');
  return SPECIAL.check(address, 'ipv6');
}

/**
 * The IPv4 address an IPv6 one carries and routes to: v4-mapped (`::ffff:a.b.c.d`), well-known
 * NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`). Judged by what they reach, not how they are written.
 */
function embeddedIPv4(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  const word = (index: number) => (bytes[index] << 8) | bytes[index + 1];
  const zero = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
  const v4 = (at: number) => bytes.slice(at, at + 4).join('.');
  if (zero(0, 10) && word(10) === 0xffff) return v4(12);
  if (word(0) === 0x64 && word(2) === 0xff9b && zero(4, 12)) return v4(12);
  if (word(0) === 0x2002) return v4(2);
  return undefined;
}

/** The 16 bytes of a valid IPv6 literal (zone id dropped; a trailing dotted quad allowed). */
function ipv6Bytes(address: string): number[] {
  let text = address.split('%')[0].toLowerCase();
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const front = groups(head);
  const back = groups(tail);
  const words = tail === undefined ? front : [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  return words.flatMap((word) => [word >> 8, word & 0xff]);
}
