import { TokenBucket } from '@duet/server/signaling';
import { isIPv6 } from 'node:net';

/** Addresses remembered at once; past it the one least recently seen is forgotten (a fresh bucket if it returns). */
export const JOIN_LIMITER_ADDRESSES = 10_000;

/**
 * `perMinute` requests per client address (a token bucket each, bursting to `perMinute`), in a
 * map bounded by `maxAddresses`: a flood from many addresses cannot grow it, it only forgets the
 * quietest. Forgetting an address can only let it in again, never shut anyone out.
 */
export class JoinLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perMinute: number,
    private readonly maxAddresses = JOIN_LIMITER_ADDRESSES,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one request of `address`'s allowance (an IPv6 address's: its /64's); false when it is spent. */
  take(address: string): boolean {
    address = limitedAs(address);
    let bucket = this.buckets.get(address);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.perMinute / 60, this.perMinute, this.now);
      if (this.buckets.size >= this.maxAddresses) this.buckets.delete(this.buckets.keys().next().value as string);
    } else {
      // Most recently seen last: the map's first key is the one to forget.
      this.buckets.delete(address);
    }
    this.buckets.set(address, bucket);
    return bucket.take();
  }

  /** Addresses remembered now. */
  get size(): number {
    return this.buckets.size;
  }
}

/**
 * What one allowance covers: an IPv4 address, or an IPv6 /64 (one customer's network: anyone
 * holding one can use any of its 2^64 addresses, so counting them apart would be no limit at all).
 */
export function limitedAs(address: string): string {
  if (!isIPv6(address)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
