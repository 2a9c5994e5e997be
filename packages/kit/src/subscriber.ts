// The transport-independent half of the kit: what to subscribe to, and what to do with each validated
// message (update the model, route events and signals), including the resync after a reconnect.
// Both transports feed it: the kit's own MQTT.js connection (Node and browser) and a service's
// BusClient (./bus.ts). Browser-safe.
import type { BusMessage, MessageOf } from '@kubeblink/core/decode';
import { filters } from '@kubeblink/core/topics';
import { type MessageHandlers, routeMessage } from './handlers.ts';
import { ClusterModel } from './model.ts';
import { type EventOf, type EventPattern, type Handler, Router, type SignalName, type SignalOf } from './router.ts';

export interface SubscriberOptions {
  cluster: string;
  /**
   * MQTT has no "end of retained messages" marker: the retained burst after a SUBACK counts as complete
   * once no retained message has arrived for this long. Too short only makes a stale entry vanish and
   * come back; too long only keeps a deleted one a little longer. Default 500 ms.
   */
  settleMs?: number;
  /** Subscribe to app signals (QoS 0, the busiest topics) even before any onSignal handler exists. */
  signals?: boolean;
  /** A handler or change listener threw (default: console.error). */
  onError?: (err: unknown) => void;
}

export interface Subscription {
  filter: string;
  qos: 0 | 1;
}

export class Subscriber {
  readonly model: ClusterModel;
  readonly router: Router;
  private readonly settleMs: number;
  private readonly wantSignals: boolean;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private syncing = false;
  private syncedOnce = false;
  private readonly syncWaiters: (() => void)[] = [];
  private readonly syncListeners = new Set<() => void>();
  /** Called when the signal subscription becomes wanted after start (the first onSignal). */
  onSignalsWanted: (() => void) | undefined;

  constructor(opts: SubscriberOptions) {
    const onError = opts.onError ?? ((err: unknown) => console.error('kubeblink kit: handler failed', err));
    this.model = new ClusterModel(opts.cluster);
    this.model.onListenerError = onError;
    this.router = new Router(onError);
    this.settleMs = opts.settleMs ?? 500;
    this.wantSignals = opts.signals ?? false;
  }

  get cluster(): string {
    return this.model.cluster;
  }

  /** The filters a connection must subscribe to. */
  subscriptions(): Subscription[] {
    const c = this.cluster;
    const subs: Subscription[] = [
      { filter: filters.clusterStatus(c), qos: 1 },
      { filter: filters.nodeStates(c), qos: 1 },
      { filter: filters.podStates(c), qos: 1 },
      { filter: filters.events(c), qos: 1 },
    ];
    if (this.signalsWanted) subs.push({ filter: filters.signals(c), qos: 0 });
    return subs;
  }

  get signalsWanted(): boolean {
    return this.wantSignals || this.router.hasSignalHandlers;
  }

  on<P extends EventPattern>(pattern: P, handler: Handler<EventOf<P>>): () => void {
    return this.router.on(pattern, handler);
  }

  onSignal<S extends SignalName | '*'>(name: S, handler: Handler<SignalOf<S>>): () => void {
    const first = !this.signalsWanted;
    const off = this.router.onSignal(name, handler);
    if (first) this.onSignalsWanted?.();
    return off;
  }

  /** Resolves once the retained states have arrived (after the first connect, or the current resync). */
  synced(): Promise<void> {
    if (this.syncedOnce && !this.syncing) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Called after every completed sync (first connect and every resync). */
  onSynced(listener: () => void): () => void {
    this.syncListeners.add(listener);
    return () => this.syncListeners.delete(listener);
  }

  get isSynced(): boolean {
    return this.syncedOnce && !this.syncing;
  }

  /** A connection was established. Without a session the retained states are about to be resent. */
  connected(sessionPresent: boolean): void {
    if (!sessionPresent) this.model.beginResync();
    this.syncing = true;
    this.clearSettle();
  }

  /** The subscriptions were acknowledged: the retained burst follows (MQTT 3.1.1 section 3.3.1.3). */
  subscribed(): void {
    this.syncing = true;
    this.armSettle();
  }

  disconnected(): void {
    this.clearSettle();
  }

  /**
   * What each kind of message does: states update the model (and, while the retained burst comes,
   * hold off the end of the resync), events and signals go to the router.
   */
  readonly handlers: MessageHandlers = {
    clusterStatus: (m) => this.state(m),
    nodeState: (m) => this.state(m),
    podState: (m) => this.state(m),
    nodeEvents: ({ payload: e }) => {
      if (e.type === 'io.kubeblink.pod.deleted') this.model.removeByUid('pod', e.data.uid);
      if (e.type === 'io.kubeblink.node.deleted') this.model.removeByUid('node', e.data.uid);
      this.router.event(e);
    },
    podSignals: (m) => this.router.signal(m.payload),
  };

  handle(m: BusMessage): void {
    void routeMessage(this.handlers, m);
  }

  private state(m: MessageOf<'clusterStatus' | 'nodeState' | 'podState'>): void {
    this.model.apply(m);
    if (m.retained && this.syncing && this.settleTimer !== undefined) this.armSettle();
  }

  stop(): void {
    this.clearSettle();
  }

  private armSettle(): void {
    this.clearSettle();
    this.settleTimer = setTimeout(() => this.settle(), this.settleMs);
  }

  private clearSettle(): void {
    if (this.settleTimer !== undefined) clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
  }

  private settle(): void {
    this.settleTimer = undefined;
    this.model.endResync();
    this.syncing = false;
    this.syncedOnce = true;
    for (const w of this.syncWaiters.splice(0)) w();
    for (const l of this.syncListeners) l();
  }
}
