// The kubelet's back-off (k8s.io/client-go/util/flowcontrol.Backoff as used by
// pkg/kubelet/kuberuntime's doBackOff and the image puller): per key, the delay starts at `base`,
// doubles on every Next up to `max`, and is forgotten when the last event is older than 2 x max.
// The first crash restarts at once; a crash while the previous delay still runs is CrashLoopBackOff.

interface Entry {
  delayMs: number;
  lastUpdate: number;
}

export class KubeletBackoff {
  private readonly entries = new Map<string, Entry>();
  readonly baseMs: number;
  readonly maxMs: number;
  private readonly now: () => number;

  constructor(baseMs: number, maxMs: number, now: () => number = Date.now) {
    if (!(baseMs > 0) || !(maxMs >= baseMs))
      throw new RangeError(`back-off needs 0 < base <= max, got ${baseMs}, ${maxMs}`);
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.now = now;
  }

  private expired(eventTime: number, e: Entry): boolean {
    return eventTime - e.lastUpdate > 2 * this.maxMs;
  }

  /** The current delay of `key` (0 when it has none). */
  get(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** Records one more failure at `eventTime`: base the first time, then doubling up to max. */
  next(key: string, eventTime: number = this.now()): void {
    const e = this.entries.get(key);
    const delayMs = !e || this.expired(eventTime, e) ? this.baseMs : Math.min(e.delayMs * 2, this.maxMs);
    this.entries.set(key, { delayMs, lastUpdate: this.now() });
  }

  /** flowcontrol.IsInBackOffSince: still waiting out the delay that started at `eventTime`? */
  inBackOffSince(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e)) return false;
    return this.now() - eventTime < e.delayMs;
  }

  /** flowcontrol.IsInBackOffSinceUpdate: still waiting out the delay set by the last Next? */
  inBackOffSinceUpdate(key: string, eventTime: number = this.now()): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e)) return false;
    return eventTime - e.lastUpdate < e.delayMs;
  }

  /** Milliseconds until the back-off that started at `eventTime` ends (0 if it has). */
  remaining(key: string, eventTime: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, eventTime + e.delayMs - this.now());
  }

  /** Milliseconds until the delay set by the last Next ends (0 if it has). */
  remainingSinceUpdate(key: string): number {
    const e = this.entries.get(key);
    return e ? Math.max(0, e.lastUpdate + e.delayMs - this.now()) : 0;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

/** kubelet's duration formatting in its messages (Go's time.Duration.String for whole seconds). */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return m < 60 ? `${m}m${rest}s` : `${Math.floor(m / 60)}h${m % 60}m${rest}s`;
}
