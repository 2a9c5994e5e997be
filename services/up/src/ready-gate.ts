// The last component to start: up counts as running once the pod runner it started serves /readyz
// (the demo app was applied meanwhile, its pods Pending until then), and only then says what to try.
import type { Component } from '@kubeblink/core';

export interface ReadyGateOptions {
  whenReady: () => Promise<void>;
  /** Once, when up runs. */
  onReady: () => void;
}

export class ReadyGate implements Component {
  readonly name = 'ready';
  running = false;
  private readonly o: ReadyGateOptions;

  constructor(o: ReadyGateOptions) {
    this.o = o;
  }

  async start(): Promise<void> {
    await this.o.whenReady();
    this.running = true;
    this.o.onReady();
  }

  async stop(): Promise<void> {
    this.running = false;
  }
}
