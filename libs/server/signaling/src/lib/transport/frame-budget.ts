import { TokenBucket } from './token-bucket';

/**
 * What one connection may send: every inbound frame (message, ping or pong) takes a token.
 * `refused`: drop it and say so; `abusive`: still sending after a whole burst was refused, which is
 * not a busy client but a hostile one, to be closed.
 */
export class FrameBudget {
  private readonly bucket: TokenBucket;
  private refusedInARow = 0;

  constructor(
    perSecond: number,
    private readonly burst: number,
    now?: () => number,
  ) {
    this.bucket = new TokenBucket(perSecond, burst, now);
  }

  take(): 'ok' | 'refused' | 'abusive' {
    if (this.bucket.take()) {
      this.refusedInARow = 0;
      return 'ok';
    }
    this.refusedInARow += 1;
    return this.refusedInARow > this.burst ? 'abusive' : 'refused';
  }
}
