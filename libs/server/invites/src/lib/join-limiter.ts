import { TokenBucket } from '@duet/server/signaling';

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

  /** Takes one request of `address`'s allowance; false when it is spent. */
  take(address: string): boolean {
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
