/**
 * Exponential backoff with full jitter (the AWS architecture blog's "full jitter"): after the n-th
 * failed attempt wait a random time in [0, min(max, base * 2^n)], never less than `min`. Jitter keeps
 * a fleet of Pis from reconnecting in lock-step after the broker restarts.
 */
export interface BackoffOptions {
  minMs: number;
  maxMs: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly opts: BackoffOptions;
  constructor(opts: BackoffOptions) {
    this.opts = opts;
  }

  next(): number {
    const { minMs, maxMs } = this.opts;
    const ceiling = Math.min(maxMs, minMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    const r = (this.opts.random ?? Math.random)();
    return Math.max(minMs, Math.round(r * ceiling));
  }

  reset(): void {
    this.attempt = 0;
  }
}
