// Kubelet Events for the runner's pods (what `kubectl describe pod` shows: Pulled, Created,
// Started, Unhealthy, Killing, BackOff, Failed), with the kubelet's wording. Repeats of the same
// event are one Event whose count rises, as the kubelet's event correlator does.
import { createHash } from 'node:crypto';
import type { Logger } from '@kubeblink/core';
import { type CoreV1Api, type CoreV1Event, PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';

export type EventType = 'Normal' | 'Warning';

export interface EventSink {
  emit(pod: V1Pod, container: string | undefined, type: EventType, reason: string, message: string): void;
}

export const noEvents: EventSink = { emit: () => {} };

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const MAX_TRACKED = 4096;

export class KubeletEvents implements EventSink {
  private readonly core: CoreV1Api;
  private readonly log: Logger;
  // key -> the Event's name and count, and the write in flight (writes of one key are in order)
  private readonly seen = new Map<string, { name: string; count: number; chain: Promise<void> }>();

  constructor(core: CoreV1Api, log: Logger) {
    this.core = core;
    this.log = log;
  }

  emit(pod: V1Pod, container: string | undefined, type: EventType, reason: string, message: string): void {
    const md = pod.metadata ?? {};
    const namespace = md.namespace ?? 'default';
    const key = `${md.uid}\0${container}\0${type}\0${reason}\0${message}`;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z') as unknown as Date;
    let entry = this.seen.get(key);
    if (!entry) {
      if (this.seen.size >= MAX_TRACKED) this.seen.delete(this.seen.keys().next().value as string);
      const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
      entry = { name: `${md.name}.${hash}`, count: 0, chain: Promise.resolve() };
      this.seen.set(key, entry);
    }
    const e = entry;
    e.count++;
    const count = e.count;
    e.chain = e.chain.then(async () => {
      try {
        if (count === 1) {
          const body: CoreV1Event = {
            metadata: { name: e.name, namespace },
            involvedObject: {
              apiVersion: 'v1',
              kind: 'Pod',
              name: md.name,
              namespace,
              uid: md.uid,
              fieldPath: container ? `spec.containers{${container}}` : undefined,
            },
            type,
            reason,
            message,
            source: { component: 'kubelet', host: pod.spec?.nodeName },
            reportingComponent: 'kubelet',
            reportingInstance: pod.spec?.nodeName ?? '',
            firstTimestamp: now,
            lastTimestamp: now,
            count: 1,
          };
          await this.core.createNamespacedEvent({ namespace, body });
        } else {
          await this.core.patchNamespacedEvent({ name: e.name, namespace, body: { count, lastTimestamp: now } }, merge);
        }
      } catch (err) {
        this.log.debug({ err: (err as Error).message, reason }, 'event not recorded');
      }
    });
  }

  /** Drops what is remembered about a pod's events (it is gone). */
  forget(uid: string): void {
    for (const k of this.seen.keys()) if (k.startsWith(`${uid}\0`)) this.seen.delete(k);
  }
}
