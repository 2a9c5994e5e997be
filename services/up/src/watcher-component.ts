// The watcher in up's process, with its own logger (to up's log file) and metrics registry,
// publishing to up's broker with the credentials it made.
import { BusClient, type Component, type Logger, loadSettings, type ServiceRuntime, VERSION } from '@kubeblink/core';
import type { Pipeline, Source } from '@kubeblink/watcher';
import type { Credentials } from './broker-component.ts';
import { heavy } from './heavy.ts';

export interface WatcherOptions {
  broker: () => string;
  creds: Credentials;
  cluster: string;
  kubeconfig: () => string | undefined;
  /** A recording source (replay in a loop), used instead of the live API when set. */
  recording: () => Source | undefined;
  /** The watcher's logger and registry (UpLog.runtime). */
  runtime: (service: string, instance: string) => ServiceRuntime;
}

/** The watcher's three parts (publisher, bus, pipeline) in their start order, as one component. */
export class WatcherComponent implements Component {
  readonly name = 'watcher';
  pipeline: Pipeline | undefined;
  private parts: Component[] = [];
  private readonly o: WatcherOptions;
  log: Logger | undefined;

  constructor(o: WatcherOptions) {
    this.o = o;
  }

  async start(): Promise<void> {
    const { o } = this;
    const { createSource, Pipeline, watcherMetrics } = await heavy.watcher();
    const rt = o.runtime('watcher', 'up-watcher');
    this.log = rt.log;
    const metrics = watcherMetrics(rt.registry);
    const settings = loadSettings('watcherSettings', {
      flags: { kubeconfig: o.kubeconfig(), cluster: o.cluster, broker: o.broker() },
      env: {},
    });
    const source = o.recording() ?? (await createSource(settings, { log: rt.log, metrics }));
    const bus = new BusClient({
      url: o.broker(),
      cluster: o.cluster,
      instance: rt.instance,
      identity: { kind: 'watcher', version: VERSION },
      role: 'watcher',
      username: o.creds.username,
      password: o.creds.password,
      clean: false,
      log: rt.log,
      registry: rt.registry,
    });
    this.pipeline = new Pipeline({ cluster: o.cluster, instance: rt.instance, bus, source, log: rt.log, metrics });
    for (const c of [this.pipeline.publisherComponent(), bus, this.pipeline]) {
      await c.start();
      this.parts.push(c);
    }
    // What exists now is the first picture; only what happens after it is an event. Waiting for the
    // first sync before the demo app is deployed makes its pods' start a story on the bus.
    const publisher = this.pipeline.publisher;
    const deadline = Date.now() + 60_000;
    while (publisher.status !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  async stop(): Promise<void> {
    for (const c of this.parts.reverse()) {
      try {
        await c.stop();
      } catch (err) {
        this.log?.error({ err, component: c.name }, 'stop failed');
      }
    }
    this.parts = [];
  }
}
