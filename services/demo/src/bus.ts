// The demo's view of the bus, through the subscriber kit: its live model (the watcher's retained
// node and pod states) and the events since the demo started, scoped to the demo's namespace.
import { readFileSync } from 'node:fs';
import { connectKit, type SubscriberKit } from '@kubeblink/kit';
import type { ClusterEvent, NodeState, PodState } from '@kubeblink/schemas';
import type { BusSource } from './demo.ts';

export interface BusOptions {
  broker: string;
  cluster: string;
  username?: string;
  password?: string;
  passwordFile?: string;
}

export class KitBus implements BusSource {
  readonly kit: SubscriberKit;
  private readonly namespace: string;
  private readonly seen: ClusterEvent[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(o: BusOptions, namespace: string) {
    this.namespace = namespace;
    const file = o.passwordFile;
    this.kit = connectKit({
      url: o.broker,
      cluster: o.cluster,
      username: o.username,
      // Re-read on every connect, like the services' --password-file (a rotated token still works).
      password: file ? () => readFileSync(file, 'utf8').trim() : o.password,
      clientId: `kubeblink-demo-${Math.random().toString(16).slice(2, 10)}`,
      onError: (err) => process.stderr.write(`kubeblink demo: bus: ${(err as Error).message ?? err}\n`),
    });
    this.kit.model.onChange(() => this.emit());
    this.kit.on('*', (e) => {
      if (e.type.startsWith('io.kubeblink.node.') || (e.data as { namespace?: string }).namespace === namespace) {
        this.seen.push(e);
        this.emit();
      }
    });
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
      this.kit.synced().then(() => {
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

  stop(): Promise<void> {
    return this.kit.stop();
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}
