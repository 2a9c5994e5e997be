// The run's summary: when a pod's LED first lit (up's headline figure, README.md "The two commands"),
// said on screen as it happens, and the last line after everything stopped, with that figure
// and where the log is. Added before the parts it outlives, so it is stopped after them.
import type { Component, Logger } from '@kubeblink/core';
import type { LedService } from '@kubeblink/led';

export interface RunSummaryOptions {
  boards: () => LedService[];
  log: Logger;
  logFile: string;
  /** A line on screen now. */
  print: (line: string) => void;
  /** A line after the screen is restored. */
  after: (line: string) => void;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

export class RunSummary implements Component {
  readonly name = 'summary';
  /** ms after process start when a pod's LED first lit (performance.now() counts from process start). */
  firstLitMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly o: RunSummaryOptions;

  constructor(o: RunSummaryOptions) {
    this.o = o;
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => this.checkLit(), 50);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const lit = this.firstLitMs !== undefined ? `; the first LED lit ${seconds(this.firstLitMs)} s after start` : '';
    this.o.after(`kubeblink up stopped everything it started${lit}. Log: ${this.o.logFile}`);
  }

  private checkLit(): void {
    if (this.firstLitMs !== undefined) {
      clearInterval(this.timer);
      return;
    }
    for (const s of this.o.boards()) {
      const lit = s.picture().leds.find((l) => l.slot !== null && l.level > 0);
      if (lit) {
        this.firstLitMs = performance.now();
        const line = `first LED lit ${seconds(this.firstLitMs)} s after start (${s.picture().node} ${lit.id})`;
        this.o.log.info({ firstLitMs: this.firstLitMs, node: s.picture().node, led: lit.id }, 'first LED lit');
        this.o.print(line);
        return;
      }
    }
  }
}
