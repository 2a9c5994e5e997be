// Publishes the watcher's state and events with docs/design.md's start-up protocol, on the first connect
// and after every reconnect where the broker kept no session (it lost its retained messages then):
//   1. cluster status `syncing`;
//   2. every state (the store's states, then whatever the sources bring);
//   3. stale retained states cleared: the watcher subscribes to its own state topics, collects the
//      retained messages the broker delivers, and tombstones every topic it no longer has;
//   4. once the first sync is in and everything above is acknowledged: `ready`.
// While the broker is slow or away, states coalesce per topic and events wait in a bounded queue
// (see outbox.ts); nothing is handed to MQTT.js while disconnected, so its offline queue stays empty.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BusClient,
  type BusMessage,
  BusPublishError,
  buildTopic,
  filters,
  type Logger,
  parseTopic,
} from '@kubeblink/core';
import type { ClusterStatus } from '@kubeblink/schemas';
import type { Change, ClusterState } from '../diff/cluster-state.ts';
import type { WatcherMetrics } from '../watcher-metrics.ts';
import { type EventItem, Outbox, type StateItem } from './outbox.ts';

export interface PublisherOptions {
  bus: BusClient;
  cluster: string;
  instance: string;
  store: ClusterState;
  log: Logger;
  metrics: WatcherMetrics;
  /** Bound of the transition event queue (default 10,000). */
  maxEvents?: number;
  /** Quiet time after which the broker is taken to have delivered every retained state (default 500 ms). */
  settleMs?: number;
  /** Publishes in flight at once (default 256). */
  window?: number;
}

type Phase = ClusterStatus['state'];

/** While ready, a change of the node or pod count re-publishes the status at most this often, so
 * its counts stay right (issue 14: `"pods":0` while 3 pods ran) without a status per pod change. */
const STATUS_COUNTS_MIN_MS = 1000;

export class Publisher {
  readonly name = 'publisher';
  private readonly o: PublisherOptions;
  private readonly log: Logger;
  readonly outbox: Outbox;
  private phase: Phase = 'syncing';
  /** When the watcher entered `phase` (the status's `since`; a re-publish of the counts keeps it). */
  private phaseSince = new Date().toISOString();
  private published: { nodes: number; pods: number; at: number } | undefined;
  private countsTimer: NodeJS.Timeout | undefined;
  private epoch = 0;
  private connectedOnce = false;
  private statusDirty = false;
  private cleanedEpoch = -1;
  private pumping = false;
  private again = false;
  private stopped = false;
  private readyWaiters: (() => void)[] = [];
  private reportedDrops = 0;

  constructor(o: PublisherOptions) {
    this.o = o;
    this.log = o.log.child({ module: 'publisher' });
    this.outbox = new Outbox(o.maxEvents ?? 10_000);
  }

  /** The cluster status this watcher publishes: `ready` once its first sync is on the broker. */
  get status(): Phase {
    return this.phase;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.o.bus.onConnect(({ sessionPresent }) => this.onConnect(sessionPresent));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.countsTimer);
    this.countsTimer = undefined;
  }

  /** Resolves when `ready` has been published (tests, `kubeblink up`). */
  whenReady(): Promise<void> {
    if (this.phase === 'ready') return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Takes the store's changes: states coalesce per topic, events queue. */
  push(changes: Change[]): void {
    for (const c of changes) {
      if (c.kind === 'event') {
        this.o.metrics.events.inc({ type: c.event.type });
        this.outbox.putEvent({ node: c.node, event: c.event });
      } else {
        this.putState(c);
      }
    }
    this.updateGauges();
    this.kick();
  }

  private putState(item: StateItem): void {
    let topic: string;
    try {
      topic = buildTopic(stateParts(this.o.cluster, item));
    } catch (err) {
      // A name that is no valid topic segment: never from a real API, refused rather than published.
      this.o.metrics.publishErrors.inc({ kind: item.kind });
      this.log.warn({ err: (err as Error).message }, 'state not publishable');
      return;
    }
    this.outbox.putState(topic, item);
  }

  private onConnect(sessionPresent: boolean): void {
    if (!this.connectedOnce || !sessionPresent) {
      this.connectedOnce = true;
      this.epoch++;
      this.setPhase('syncing');
      this.o.metrics.ready.set(0);
      // Every state again: the broker lost them (or, first connect, may hold older ones).
      for (const c of this.o.store.states()) if (c.kind !== 'event') this.putState(c);
      void this.clearStale(this.epoch);
    }
    // Always: the broker may have published our last will (`offline`) while we were away.
    this.statusDirty = true;
    this.log.info({ sessionPresent, epoch: this.epoch, phase: this.phase }, 'broker connected');
    this.kick();
  }

  /** Called by the watcher when a source finished a sync: `ready` may now be due. */
  kick(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        while (!this.stopped && this.o.bus.connected) {
          if (this.statusDirty) {
            this.statusDirty = false;
            if (!(await this.publishStatus(this.phase))) break;
            continue;
          }
          const window = this.o.window ?? 256;
          const states = this.outbox.takeStates(window);
          const events = this.outbox.takeEvents(window);
          this.updateGauges();
          if (states.length || events.length) {
            // States first: a subscriber that reacts to an event finds the state it refers to.
            await Promise.all(states.map(([topic, item]) => this.publishState(topic, item)));
            await Promise.all(events.map((e) => this.publishEvent(e)));
            continue;
          }
          if (this.phase === 'syncing' && this.o.store.initialSyncDone && this.cleanedEpoch === this.epoch) {
            this.setPhase('ready');
            if (!(await this.publishStatus('ready'))) break;
            this.o.metrics.ready.set(1);
            this.log.info({ nodes: this.o.store.nodes.size, pods: this.o.store.pods.size }, 'ready: cluster published');
            for (const w of this.readyWaiters.splice(0)) w();
            continue;
          }
          if (this.phase === 'ready' && this.countsChanged()) {
            const wait = (this.published?.at ?? 0) + STATUS_COUNTS_MIN_MS - Date.now();
            if (wait <= 0) {
              if (!(await this.publishStatus('ready'))) break;
              continue;
            }
            this.countsTimer ??= setTimeout(() => {
              this.countsTimer = undefined;
              this.kick();
            }, wait);
          }
          break;
        }
      } while (this.again && !this.stopped && this.o.bus.connected);
    } finally {
      this.pumping = false;
      this.updateGauges();
    }
  }

  private setPhase(phase: Phase): void {
    this.phase = phase;
    this.phaseSince = new Date().toISOString();
  }

  private countsChanged(): boolean {
    const p = this.published;
    return !p || p.nodes !== this.o.store.nodes.size || p.pods !== this.o.store.pods.size;
  }

  private async publishStatus(state: Phase): Promise<boolean> {
    const nodes = this.o.store.nodes.size;
    const pods = this.o.store.pods.size;
    const payload: ClusterStatus = {
      state,
      cluster: this.o.cluster,
      watcher: this.o.instance,
      since: this.phaseSince,
      nodes,
      pods,
    };
    try {
      await this.o.bus.publish({ kind: 'clusterStatus', cluster: this.o.cluster }, payload);
      this.published = { nodes, pods, at: Date.now() };
      return true;
    } catch (err) {
      this.o.metrics.publishErrors.inc({ kind: 'clusterStatus' });
      this.log.warn({ err: (err as Error).message }, 'status publish failed; retried on reconnect');
      this.statusDirty = true;
      return false;
    }
  }

  private async publishState(topic: string, item: StateItem): Promise<void> {
    try {
      if (item.kind === 'podState') {
        const { node, namespace, pod } = item;
        await this.o.bus.publish({ kind: 'podState', cluster: this.o.cluster, node, namespace, pod }, item.state);
      } else {
        await this.o.bus.publish({ kind: 'nodeState', cluster: this.o.cluster, node: item.node }, item.state);
      }
      this.o.metrics.statesPublished.inc({ kind: item.kind, tombstone: String(item.state === null) });
    } catch (err) {
      this.o.metrics.publishErrors.inc({ kind: item.kind });
      if (err instanceof BusPublishError) {
        this.log.error({ err: err.message, topic }, 'state refused by the contract; dropped');
      } else {
        this.outbox.requeueState(topic, item);
      }
    }
  }

  private async publishEvent(e: EventItem): Promise<void> {
    try {
      await this.o.bus.publish({ kind: 'nodeEvents', cluster: this.o.cluster, node: e.node }, e.event);
    } catch (err) {
      this.o.metrics.publishErrors.inc({ kind: 'nodeEvents' });
      if (err instanceof BusPublishError)
        this.log.error({ err: err.message, id: e.event.id }, 'event refused; dropped');
      else this.outbox.requeueEvents([e]);
    }
  }

  /** Step 3 of the protocol: find and clear retained states that no longer exist. */
  private async clearStale(epoch: number): Promise<void> {
    const { bus, cluster } = this.o;
    const settleMs = this.o.settleMs ?? 500;
    const retained = new Set<string>();
    let lastRetained = Date.now();
    const onMessage = (m: BusMessage) => {
      if (epoch !== this.epoch || !m.retained || m.payload === null) return;
      if (m.parts.kind !== 'podState' && m.parts.kind !== 'nodeState') return;
      retained.add(m.topic);
      lastRetained = Date.now();
    };
    const topics = [filters.nodeStates(cluster), filters.podStates(cluster)];
    try {
      // QoS 0: a broker keeps no queue of our own echoes for this session if we die mid-way.
      for (const f of topics) await bus.subscribe(f, onMessage, 0);
      lastRetained = Date.now();
      // Retained messages follow the SUBACK; MQTT has no end marker, so wait until they stop, and
      // until the first sync is complete (only then is "no longer exists" known).
      while (epoch === this.epoch && !this.stopped) {
        if (Date.now() - lastRetained >= settleMs && this.o.store.initialSyncDone) break;
        await sleep(Math.max(10, settleMs / 5));
      }
      if (epoch !== this.epoch || this.stopped) return;
      for (const f of topics) await bus.unsubscribe(f);
      const live = new Set<string>();
      for (const c of this.o.store.states()) if (c.kind !== 'event') live.add(buildTopic(stateParts(cluster, c)));
      let cleared = 0;
      for (const topic of retained) {
        if (live.has(topic)) continue;
        const parts = parseTopic(topic);
        if (parts?.kind === 'podState') {
          this.outbox.putState(topic, {
            kind: 'podState',
            node: parts.node,
            namespace: parts.namespace,
            pod: parts.pod,
            state: null,
          });
        } else if (parts?.kind === 'nodeState') {
          this.outbox.putState(topic, { kind: 'nodeState', node: parts.node, state: null });
        } else continue;
        cleared++;
      }
      this.o.metrics.staleCleared.inc(cleared);
      this.log.info({ retained: retained.size, cleared }, 'stale retained states cleared');
      this.cleanedEpoch = epoch;
      this.kick();
    } catch (err) {
      // The connection dropped mid-way: the next connect starts over.
      this.log.warn({ err: (err as Error).message }, 'stale state check interrupted');
    }
  }

  private updateGauges(): void {
    this.o.metrics.queueDepth.set({ queue: 'states' }, this.outbox.stateCount);
    this.o.metrics.queueDepth.set({ queue: 'events' }, this.outbox.eventCount);
    this.o.metrics.eventsDropped.inc(this.outbox.dropped - this.reportedDrops);
    this.reportedDrops = this.outbox.dropped;
  }
}

function stateParts(cluster: string, item: StateItem) {
  return item.kind === 'podState'
    ? ({ kind: 'podState', cluster, node: item.node, namespace: item.namespace, pod: item.pod } as const)
    : ({ kind: 'nodeState', cluster, node: item.node } as const);
}
