import { TokenBucket } from '@duet/server/signaling';

/** Addresses followed at once; beyond it the longest-followed is forgotten (memory stays bounded). */
const MAX_ADDRESSES = 10_000;

/**
 * Report posts per client address: a burst of 20, then one every 2 s. A call makes at most two
 * posts per party, so only a guesser (or a broken client) ever meets it; a whole office behind
 * one address still fits.
 */
export class ReportRateLimit {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perSecond = 0.5,
    private readonly burst = 20,
    private readonly now: () => number = Date.now,
  ) {}

  allow(address: string): boolean {
    let bucket = this.buckets.get(address);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_ADDRESSES) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = new TokenBucket(this.perSecond, this.burst, this.now);
      this.buckets.set(address, bucket);
    }
    return bucket.take();
  }
}
