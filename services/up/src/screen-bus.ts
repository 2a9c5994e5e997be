// The screen's own connection to up's broker (a reader, instance up-screen), through which BusTail
// reads the cluster status, node states, events and request signals for the picture. A component:
// it connects once the broker runs, and subscriptions made before that are a mistake, said so.
import { BusClient, type Component, type ServiceRuntime, VERSION } from '@kubeblink/core';
import type { Credentials } from './broker-component.ts';

export interface ScreenBusOptions {
  url: () => string;
  cluster: string;
  creds: Credentials;
  rt: ServiceRuntime;
}

export class ScreenBus implements Component {
  readonly name = 'screen-bus';
  private bus: BusClient | undefined;
  private readonly o: ScreenBusOptions;

  constructor(o: ScreenBusOptions) {
    this.o = o;
  }

  async start(): Promise<void> {
    const { o } = this;
    this.bus = new BusClient({
      url: o.url(),
      cluster: o.cluster,
      instance: 'up-screen',
      identity: { kind: 'service', service: 'up', version: VERSION },
      role: 'reader',
      ...o.creds,
      log: o.rt.log,
      registry: o.rt.registry,
    });
    await this.bus.start();
  }

  subscribe(...args: Parameters<BusClient['subscribe']>): ReturnType<BusClient['subscribe']> {
    if (!this.bus) throw new Error('the screen bus is not started');
    return this.bus.subscribe(...args);
  }

  async stop(): Promise<void> {
    await this.bus?.stop();
  }
}
