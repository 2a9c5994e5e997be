import type { SignalPublisher } from './signals.ts';

/** Publishes a heartbeat signal every period while the app runs. */
export class Heartbeat {
  readonly name = 'heartbeat';
  private timer: NodeJS.Timeout | undefined;
  private readonly signals: SignalPublisher;
  private readonly periodMs: number;
  private readonly version: string;
  private readonly startedAt: number;
  constructor(signals: SignalPublisher, periodMs: number, version: string, startedAt: number) {
    this.signals = signals;
    this.periodMs = periodMs;
    this.version = version;
    this.startedAt = startedAt;
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => {
      this.signals.send('heartbeat', { version: this.version, uptimeSeconds: (Date.now() - this.startedAt) / 1000 });
    }, this.periodMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
  }
}
