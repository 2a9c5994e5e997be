// Token buckets: the per-client publish rate limit (how long a publish must wait) and the
// per-source failed-login limit of login-gate.ts (whether a source may try again).

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly rate: number;
  private readonly burst: number;

  /** rate: tokens per second; burst: bucket size (and the starting fill). */
  constructor(rate: number, burst: number, now: number) {
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
    this.last = now;
  }

  /**
   * Takes one token and returns the milliseconds until it is really available: 0 when the bucket
   * had one, else how long the caller should wait. The bucket goes into debt, so consecutive
   * callers queue up in order.
   */
  take(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.rate) * 1000;
  }

  /** The tokens available now (negative: in debt), without taking one. */
  level(now: number): number {
    return Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
  }

  /** Gives back a token taken for a publish that was then refused. */
  refund(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }
}
