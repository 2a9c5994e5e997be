// Logins cannot be flooded (issue 15 point 3). 400 wrong-password CONNECTs from one laptop kept the
// broker hashing for a minute (scrypt on the thread pool LevelDB shares, no limit, no cancellation)
// and a real user's first login took 18.9 s. The gate, per source address:
// - bounds the connections that have not authenticated yet (each may hold a queued check);
// - counts failed logins in a token bucket: past it, that source's CONNECTs are refused at once,
//   before any password is hashed, until the bucket refills (the back-off);
// - queues credential checks fairly: at most `concurrency` run at once, taken round-robin from the
//   sources that wait, so a flooding source delays the others by at most one check per turn;
// - drops a queued check whose client has gone, or that waited longer than `maxWaitMs`.
// No library fits: rate limiters (rate-limiter-flexible, limiter) count requests but neither queue
// work fairly per key nor drop it when its connection ends; p-limit and p-queue are one FIFO.
import { TokenBucket } from './rate-limit.ts';

export interface LoginLimits {
  /** Credential checks (password hashes, token reviews) running at once. */
  concurrency: number;
  /** Failed logins per second a source may sustain, and how many at once (the bucket). */
  failureRate: number;
  failureBurst: number;
  /** Checks a source may have queued or running; more are refused. */
  pendingPerSource: number;
  /** Connections not yet authenticated, per source and in all. */
  unauthenticatedPerSource: number;
  unauthenticated: number;
  /** A check not started within this many milliseconds is refused. */
  maxWaitMs: number;
}

/** Why a login was refused by the gate (the denial reasons of kubeblink_broker_denials_total). */
export type GateRefusal = 'login_rate_limited' | 'login_busy' | 'login_gone';

interface Job {
  gone: () => boolean;
  queuedAt: number;
  start: () => void;
  refuse: (why: GateRefusal) => void;
}

interface Source {
  failures: TokenBucket | undefined;
  queue: Job[];
  running: number;
  open: number;
}

// Sources remembered at most (an IPv6 /64 each): past it, idle ones are forgotten oldest first.
const MAX_SOURCES = 50_000;

export class LoginGate {
  private readonly limits: LoginLimits;
  private readonly now: () => number;
  private readonly sources = new Map<string, Source>();
  /** Sources with queued checks, in turn order. */
  private readonly turns: string[] = [];
  private running = 0;
  private open = 0;

  constructor(limits: LoginLimits, now: () => number = () => performance.now()) {
    this.limits = limits;
    this.now = now;
  }

  /** A new connection from `source`: its release function, or undefined when over the bounds. */
  opened(source: string): (() => void) | undefined {
    const s = this.source(source);
    if (s.open >= this.limits.unauthenticatedPerSource || this.open >= this.limits.unauthenticated) {
      this.forget(source, s);
      return undefined;
    }
    s.open++;
    this.open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      s.open--;
      this.open--;
      this.forget(source, s);
    };
  }

  /**
   * Runs one credential check for `source` in its turn; resolves to its result, or to the gate's
   * refusal (the check then never runs): the source is over its failed-login rate, has too many
   * checks pending, waited too long, or its client is gone.
   */
  check<T>(source: string, gone: () => boolean, work: () => Promise<T>): Promise<T | GateRefusal> {
    const s = this.source(source);
    if (s.failures && s.failures.level(this.now()) < 1) return Promise.resolve('login_rate_limited');
    if (s.queue.length + s.running >= this.limits.pendingPerSource) return Promise.resolve('login_busy');
    return new Promise<T | GateRefusal>((resolve, reject) => {
      const job: Job = {
        gone,
        queuedAt: this.now(),
        refuse: resolve,
        start: () => {
          s.running++;
          this.running++;
          work()
            .then(resolve, reject)
            .finally(() => {
              s.running--;
              this.running--;
              this.forget(source, s);
              this.pump();
            });
        },
      };
      s.queue.push(job);
      if (s.queue.length === 1) this.turns.push(source);
      this.pump();
    });
  }

  /** A failed login from `source` (wrong password, unknown user, invalid token): takes a token. */
  failed(source: string): void {
    const s = this.source(source);
    s.failures ??= new TokenBucket(this.limits.failureRate, this.limits.failureBurst, this.now());
    s.failures.take(this.now());
  }

  /** Connections not yet authenticated, in all. */
  get unauthenticated(): number {
    return this.open;
  }

  /** Checks queued or running (tests, diagnostics). */
  get pending(): number {
    let n = this.running;
    for (const s of this.sources.values()) n += s.queue.length;
    return n;
  }

  private pump(): void {
    while (this.running < this.limits.concurrency && this.turns.length > 0) {
      const source = this.turns.shift() as string;
      const s = this.sources.get(source);
      const job = s?.queue.shift();
      if (!s || !job) continue;
      // Its next check waits for the next turn, behind every other waiting source.
      if (s.queue.length > 0) this.turns.push(source);
      if (job.gone()) job.refuse('login_gone');
      else if (this.now() - job.queuedAt > this.limits.maxWaitMs) job.refuse('login_busy');
      else job.start();
    }
  }

  private source(key: string): Source {
    let s = this.sources.get(key);
    if (!s) {
      if (this.sources.size >= MAX_SOURCES) this.evict();
      s = { failures: undefined, queue: [], running: 0, open: 0 };
      this.sources.set(key, s);
    }
    return s;
  }

  /** Drops a source's state once it holds nothing: no connection, no check, a full bucket. */
  private forget(key: string, s: Source): void {
    if (s.open > 0 || s.running > 0 || s.queue.length > 0) return;
    if (s.failures && s.failures.level(this.now()) < this.limits.failureBurst) return;
    this.sources.delete(key);
  }

  private evict(): void {
    for (const [key, s] of this.sources) {
      if (s.open === 0 && s.running === 0 && s.queue.length === 0) this.sources.delete(key);
      if (this.sources.size < MAX_SOURCES * 0.9) return;
    }
  }
}

/**
 * The source a login is limited by: the peer's address, an IPv6 one by its /64 (one host usually
 * holds a whole /64 and could rotate through it). IPv4-mapped IPv6 addresses count as IPv4.
 */
export function sourceKey(address: string | undefined): string {
  if (!address) return 'unknown';
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.split('::');
  const groups = head === '' ? [] : head.split(':');
  if (tail === undefined || groups.length >= 4) return `${groups.slice(0, 4).join(':')}::/64`;
  // "a:b::c": the missing groups are zeros; only the first four matter.
  const tailGroups = tail === '' ? [] : tail.split(':');
  const full = [...groups, ...Array(8 - groups.length - tailGroups.length).fill('0'), ...tailGroups];
  return `${full.slice(0, 4).join(':')}::/64`;
}
