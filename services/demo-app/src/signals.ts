// Publishes this pod's app signals (CloudEvents on its own signals topic, QoS 0, not retained).
import { randomUUID } from 'node:crypto';
import { type BusClient, counter, type Registry } from '@kubeblink/core';
import type { AppSignalData, AppSignalType } from '@kubeblink/schemas';

export interface PodIdentity {
  cluster: string;
  namespace: string;
  pod: string;
  node: string;
}

export type SignalName = 'request' | 'heartbeat' | 'liveness' | 'readiness';

export class SignalPublisher {
  private readonly bus: BusClient;
  private readonly id: PodIdentity;
  private readonly sent;
  private readonly dropped;
  constructor(bus: BusClient, id: PodIdentity, registry: Registry) {
    this.bus = bus;
    this.id = id;
    this.sent = counter(registry, 'kubeblink_app_signals_total', 'Signals published', ['type']);
    this.dropped = counter(
      registry,
      'kubeblink_app_signals_dropped_total',
      'Signals dropped while the broker was away',
    );
  }

  /**
   * Signals are moments ("a request now"): queued while offline they would replay as a burst of stale
   * flashes, so they are dropped (and counted) when the broker is away.
   */
  send(name: SignalName, extra: Partial<AppSignalData> = {}): void {
    if (!this.bus.connected) {
      this.dropped.inc();
      return;
    }
    const { cluster, namespace, pod, node } = this.id;
    const type = `io.kubeblink.app.${name}` as AppSignalType;
    this.sent.inc({ type: name });
    this.bus
      .publish(
        { kind: 'podSignals', cluster, node, namespace, pod },
        {
          specversion: '1.0',
          id: randomUUID(),
          source: `/kubeblink/${cluster}/pods/${namespace}/${pod}`,
          type,
          time: new Date().toISOString(),
          subject: `pods/${namespace}/${pod}`,
          datacontenttype: 'application/json',
          data: { namespace, pod, node, ...extra },
        },
      )
      .catch(() => this.dropped.inc());
  }
}
