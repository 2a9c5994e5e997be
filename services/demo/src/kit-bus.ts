// The demo's view of the bus: the subscriber kit fed by a BusClient made from the demo's settings as
// every service's is (busFromSettings: the password file re-read at every connect, backoff, the
// validation), with its live model (the watcher's retained node and pod states) and the events since
// the demo started, scoped to the demo's namespace.
import { type BusClient, type BusSettings, busFromSettings, createLogger, createRegistry } from '@kubeblink/core';
import { Subscriber } from '@kubeblink/kit';
import { attachToBus } from '@kubeblink/kit/bus';
import type { ClusterEvent, NodeState, PodState } from '@kubeblink/schemas';
import type { BusSource } from './demo.ts';

export class KitBus implements BusSource {
  /** The kit's model and event router, fed by `bus`. */
  readonly kit: Subscriber;
  private readonly bus: BusClient;
  /** Settles when the bus is started and the kit subscribed on it. */
  private readonly attached: Promise<void>;
  private readonly namespace: string;
  private readonly seen: ClusterEvent[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(o: Omit<BusSettings, 'instance'>, namespace: string) {
    this.namespace = namespace;
    // A client id of its own per run: two demos at once must not take over each other's connection
    // (MQTT 3.1.1 section 3.1.4). Warnings only: stdout is the narration, stderr the progress line.
    const instance = `kubeblink-demo-${Math.random().toString(16).slice(2, 10)}`;
    const rt = {
      service: 'demo',
      instance,
      log: createLogger({ service: 'demo', level: 'warn' }),
      registry: createRegistry('demo', false),
    };
    // Identity none: no status to publish, so an anonymous reader (`kubeblink up`'s broker) will do.
    this.bus = busFromSettings(o, rt, { role: 'reader', identity: { kind: 'none' } });
    this.kit = new Subscriber({
      cluster: o.cluster,
      onError: (err) => process.stderr.write(`kubeblink demo: bus: ${(err as Error).message ?? err}\n`),
    });
    this.kit.model.onChange(() => this.emit());
    this.kit.on('*', (e) => {
      if (e.type.startsWith('io.kubeblink.node.') || (e.data as { namespace?: string }).namespace === namespace) {
        this.seen.push(e);
        this.emit();
      }
    });
    this.attached = this.bus.start().then(() => attachToBus(this.bus, this.kit));
    // Handled here so that it is never unhandled; ready() awaits it and reports it.
    this.attached.catch(() => {});
  }

  /** Resolves once connected and the retained states are in, with the cluster status the watcher published. */
  async ready(timeoutMs: number, signal?: AbortSignal): Promise<string | undefined> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () =>
        reject(
          timeout.aborted
            ? new Error(
                `no answer from the broker within ${timeoutMs / 1000} s (is it running, are the credentials right?)`,
              )
            : new Error('interrupted'),
        );
      both.addEventListener('abort', onAbort, { once: true });
      Promise.all([this.attached, this.kit.synced()]).then(() => {
        both.removeEventListener('abort', onAbort);
        resolve();
      }, reject);
    });
    return this.kit.model.status?.state;
  }

  pods(): PodState[] {
    // The model keeps one entry per topic: while a pod moves off `_unscheduled` it is there twice.
    const byUid = new Map<string, PodState>();
    for (const p of this.kit.model.pods()) {
      if (p.namespace !== this.namespace) continue;
      const had = byUid.get(p.uid);
      if (!had || (had.node === null && p.node !== null)) byUid.set(p.uid, p);
    }
    return [...byUid.values()];
  }

  nodes(): NodeState[] {
    return this.kit.model.nodes();
  }

  node(name: string): NodeState | undefined {
    return this.kit.model.node(name);
  }

  events(): ClusterEvent[] {
    return this.seen;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.kit.stop();
    await this.bus.stop();
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}
