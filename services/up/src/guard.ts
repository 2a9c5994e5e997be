// Ctrl-C while `up` is still starting: the core Controller stops only components whose start has
// finished, but a simulated cluster half-way through `sim up` must be stopped too. Components are
// wrapped so their start is tracked; the guard (added early, so stopped late) waits for a start in
// flight to end and then stops that component as well.
import type { Component, Logger } from '@kubeblink/core';

export class StartGuard implements Component {
  readonly name = 'start-guard';
  private readonly inflight = new Map<Component, Promise<void>>();
  private readonly log: Logger;
  /** Set once stopping began: no further component may start (the Controller's start loop would
   * otherwise go on with the next one while the first ones are being stopped). */
  stopping = false;

  constructor(log: Logger) {
    this.log = log;
  }

  wrap<C extends Component>(c: C): Component {
    return {
      name: c.name,
      start: async () => {
        if (this.stopping) throw new Error(`not starting ${c.name}: stopping`);
        const p = c.start();
        this.inflight.set(c, p);
        try {
          await p;
        } finally {
          this.inflight.delete(c);
        }
      },
      stop: () => c.stop(),
    };
  }

  async start(): Promise<void> {}

  /** No more starts from now on (called at the first signal, before the Controller stops anything). */
  halt(): void {
    this.stopping = true;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const [c, p] of [...this.inflight].reverse()) {
      try {
        await p;
      } catch {
        continue; // it failed to start: nothing of it runs
      }
      try {
        await c.stop();
      } catch (err) {
        this.log.error({ err, component: c.name }, 'stop after an interrupted start failed');
      }
    }
  }
}
