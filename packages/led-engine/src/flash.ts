// A flash channel: one short flash per request or probe, coalesced when they come faster than an eye
// can follow. A flash starts at once if the previous one (plus a gap) is over; otherwise one more flash
// is scheduled right after the gap and every further arrival until then merges into it. So 200
// requests a second show as a steady ~7 Hz flicker, and a single request is never lost.

export class FlashChannel {
  /** Start of the previous and of the latest (possibly future) flash. */
  private prev = Number.NEGATIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  /** Signals received and flashes shown, for /leds and metrics. */
  received = 0;
  coalesced = 0;
  private readonly lengthMs: number;
  private readonly gapMs: number;

  constructor(lengthMs: number, gapMs: number) {
    this.lengthMs = lengthMs;
    this.gapMs = gapMs;
  }

  trigger(now: number): void {
    this.received++;
    const earliest = this.last + this.lengthMs + this.gapMs;
    if (earliest <= now) {
      this.prev = this.last;
      this.last = now;
    } else if (this.last > now) {
      this.coalesced++; // a flash is already scheduled: merge into it
    } else {
      this.prev = this.last;
      this.last = earliest;
    }
  }

  active(t: number): boolean {
    return (t >= this.last && t < this.last + this.lengthMs) || (t >= this.prev && t < this.prev + this.lengthMs);
  }

  nextEdge(t: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const s of [this.prev, this.last]) {
      if (s > t) next = Math.min(next, s);
      else if (s + this.lengthMs > t) next = Math.min(next, s + this.lengthMs);
    }
    return next;
  }

  reset(): void {
    this.prev = Number.NEGATIVE_INFINITY;
    this.last = Number.NEGATIVE_INFINITY;
  }
}
