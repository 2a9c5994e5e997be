// Keeps a storm from becoming noise: a token bucket allows `burst` sounds back to back and `perMinute`
// after that; what arrives while the bucket is empty waits, coalesced per event type, and comes out
// as one summary ("12 pods crashed") when the next token is there. Memory is bounded by the number of
// event types, whatever the storm. Pure apart from the injected clock and timer.

import type { Sound } from '@kubeblink/schemas';
import { type Cue, summaryCue } from './mapping.ts';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly clock: Clock;

  constructor(capacity: number, perMinute: number, clock: Clock) {
    this.capacity = capacity;
    this.perMs = perMinute / 60_000;
    this.clock = clock;
    this.tokens = capacity;
    this.last = clock.now();
  }

  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is available (0 when one is). */
  wait(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perMs);
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
  }
}

export class Limiter {
  private readonly bucket: TokenBucket;
  private readonly pending = new Map<string, { first: Cue; count: number }>();
  private timer: unknown;
  private readonly clock: Clock;
  private readonly sounds: Record<string, Sound>;
  private readonly out: (cue: Cue) => void;
  coalesced = 0;

  constructor(opts: {
    burst: number;
    perMinute: number;
    sounds: Record<string, Sound>;
    out: (cue: Cue) => void;
    clock?: Clock;
  }) {
    this.clock = opts.clock ?? realClock;
    this.bucket = new TokenBucket(opts.burst, opts.perMinute, this.clock);
    this.sounds = opts.sounds;
    this.out = opts.out;
  }

  push(cue: Cue): void {
    // Nothing may overtake what is already waiting, so a free token goes to the queue first.
    if (this.pending.size === 0 && this.bucket.take()) {
      this.out(cue);
      return;
    }
    const waiting = this.pending.get(cue.type);
    if (waiting) {
      waiting.count++;
      this.coalesced++;
    } else this.pending.set(cue.type, { first: cue, count: 1 });
    this.schedule();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.pending.size === 0) return;
    this.timer = this.clock.setTimeout(() => this.flush(), Math.max(1, this.bucket.wait()));
  }

  private flush(): void {
    this.timer = undefined;
    if (!this.bucket.take()) {
      this.schedule();
      return;
    }
    // The type that has waited longest goes first (a Map iterates in insertion order).
    const [type, entry] = this.pending.entries().next().value as [string, { first: Cue; count: number }];
    this.pending.delete(type);
    this.out(entry.count === 1 ? entry.first : summaryCue(this.sounds, type, entry.count));
    this.schedule();
  }
}
