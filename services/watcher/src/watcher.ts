// The watcher pipeline: source events -> ClusterState (derive + diff) -> Publisher (MQTT).
import type { BusClient, Component, Logger } from '@kubeblink/core';
import { ClusterState } from './diff/cluster-state.ts';
import { Publisher } from './publish/publisher.ts';
import type { Source, SourceEvent } from './source/source-types.ts';
import type { WatcherMetrics } from './watcher-metrics.ts';

export interface WatcherOptions {
  cluster: string;
  instance: string;
  bus: BusClient;
  source: Source;
  log: Logger;
  metrics: WatcherMetrics;
  maxEvents?: number;
  settleMs?: number;
  now?: () => Date;
}

/** Feeds the source's events through the state store to the publisher. */
export class Pipeline implements Component {
  readonly name = 'pipeline';
  readonly store: ClusterState;
  readonly publisher: Publisher;
  private readonly o: WatcherOptions;
  private readonly log: Logger;
  failures = 0;

  constructor(o: WatcherOptions) {
    this.o = o;
    this.log = o.log.child({ module: 'pipeline' });
    this.store = new ClusterState({ cluster: o.cluster, now: o.now ?? (() => new Date()) });
    this.publisher = new Publisher({
      bus: o.bus,
      cluster: o.cluster,
      instance: o.instance,
      store: this.store,
      log: o.log,
      metrics: o.metrics,
      maxEvents: o.maxEvents,
      settleMs: o.settleMs,
    });
  }

  /** The publisher must see the bus's first connect: start it before the bus. */
  publisherComponent(): Component {
    return this.publisher;
  }

  async start(): Promise<void> {
    await this.o.source.start((e) => this.handle(e));
  }

  handle(e: SourceEvent): void {
    try {
      const changes = this.store.apply(e);
      this.publisher.push(changes);
      if (e.type === 'SYNC_END') {
        this.o.metrics.objects.set({ resource: 'pods' }, this.store.pods.size);
        this.o.metrics.objects.set({ resource: 'nodes' }, this.store.nodes.size);
        this.log.info({ resource: e.kind, pods: this.store.pods.size, nodes: this.store.nodes.size }, 'synced');
      } else if (e.type === 'DELETED' || e.type === 'ADDED') {
        this.o.metrics.objects.set(
          { resource: e.kind },
          e.kind === 'pods' ? this.store.pods.size : this.store.nodes.size,
        );
      }
    } catch (err) {
      // One object the derivation cannot read must not stop the watcher.
      this.failures++;
      if (this.failures <= 10) this.log.error({ err, kind: e.kind, type: e.type }, 'source event not processed');
    }
  }

  async stop(): Promise<void> {
    await this.o.source.stop();
  }
}
