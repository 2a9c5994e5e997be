// Valid node states, pod states, events and signals for tests of subscribers, and a publisher that
// plays the watcher (and app pods) on a real broker: retained states, tombstones, QoS 1 events.
import { buildTopic, UNSCHEDULED } from '@kubeblink/core/topics';
import type {
  AppSignal,
  AppSignalType,
  ClusterStatus,
  NodeEvent,
  NodeEventType,
  NodeState,
  PodEvent,
  PodEventData,
  PodEventType,
  PodState,
} from '@kubeblink/schemas';
import { connect, type MqttClient } from 'mqtt';

const T0 = '2026-11-29T06:00:00Z';

/** A deterministic UUID-shaped uid per name (a recreated pod gets a new one with `generation`). */
export function uidOf(name: string, generation = 0): string {
  let h = 2166136261;
  for (const ch of `${name}#${generation}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `00000000-0000-4000-8000-${h.toString(16).padStart(12, '0')}`;
}

export function nodeState(name: string, patch: Partial<NodeState> = {}): NodeState {
  return {
    uid: uidOf(name),
    name,
    status: 'Ready',
    ready: 'True',
    unschedulable: false,
    roles: [],
    createdAt: T0,
    labels: { 'kubernetes.io/hostname': name },
    taints: [],
    resourceVersion: '1',
    ...patch,
  };
}

export function podState(
  namespace: string,
  name: string,
  node: string | null,
  patch: Partial<PodState> = {},
): PodState {
  const running = node !== null;
  return {
    uid: uidOf(`${namespace}/${name}`),
    namespace,
    name,
    node,
    phase: running ? 'Running' : 'Pending',
    status: running ? 'Running' : 'Pending',
    ready: running ? '1/1' : '0/1',
    restarts: 0,
    createdAt: T0,
    ip: running ? '10.244.1.7' : null,
    podReady: running,
    deletionTimestamp: null,
    owner: { kind: 'ReplicaSet', name: 'web-7d9c5b6f4' },
    labels: { app: 'web' },
    images: ['kubeblink/demo-app:1.0.0'],
    containers: [
      {
        name: 'app',
        image: 'kubeblink/demo-app:1.0.0',
        init: false,
        ready: running,
        restartCount: 0,
        state: running ? 'running' : 'waiting',
        reason: running ? null : 'ContainerCreating',
        exitCode: null,
        startedAt: running ? T0 : null,
      },
    ],
    resourceVersion: '1',
    ...patch,
  };
}

export function podEvent(type: PodEventType, pod: PodState, data: Partial<PodEventData> = {}, time = T0): PodEvent {
  return {
    specversion: '1.0',
    id: `${pod.uid}/${pod.resourceVersion}/${type}`,
    source: '/kubeblink/default/watcher',
    type,
    time,
    subject: `pods/${pod.namespace}/${pod.name}`,
    data: {
      namespace: pod.namespace,
      name: pod.name,
      uid: pod.uid,
      node: pod.node,
      status: pod.status,
      ready: pod.ready,
      restarts: pod.restarts,
      ...data,
    },
  };
}

export function nodeEvent(type: NodeEventType, node: NodeState, time = T0): NodeEvent {
  return {
    specversion: '1.0',
    id: `${node.uid}/${node.resourceVersion}/${type}`,
    source: '/kubeblink/default/watcher',
    type,
    time,
    subject: `nodes/${node.name}`,
    data: { name: node.name, uid: node.uid, status: node.status, ready: node.ready, unschedulable: node.unschedulable },
  };
}

let signalSeq = 0;
export function appSignal(type: AppSignalType, pod: PodState, extra: Partial<AppSignal['data']> = {}): AppSignal {
  return {
    specversion: '1.0',
    id: `signal-${++signalSeq}`,
    source: `/kubeblink/default/pods/${pod.namespace}/${pod.name}`,
    type,
    time: T0,
    subject: `pods/${pod.namespace}/${pod.name}`,
    data: { namespace: pod.namespace, pod: pod.name, node: pod.node ?? UNSCHEDULED, ...extra },
  };
}

/** Plays the watcher and app pods over a real MQTT connection (QoS 1 publishes resolve on PUBACK). */
export class FakeWatcher {
  readonly cluster: string;
  private readonly client: MqttClient;

  private constructor(client: MqttClient, cluster: string) {
    this.client = client;
    this.cluster = cluster;
  }

  static async connect(url: string, cluster = 'default', auth: { username?: string; password?: string } = {}) {
    const client = connect(url, {
      protocolVersion: 4,
      reconnectPeriod: 0,
      clientId: `fake-watcher-${process.pid}`,
      ...auth,
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    return new FakeWatcher(client, cluster);
  }

  status(state: ClusterStatus['state']): Promise<unknown> {
    return this.raw(buildTopic({ kind: 'clusterStatus', cluster: this.cluster }), JSON.stringify({ state }), true);
  }

  node(name: string, state: NodeState | null): Promise<unknown> {
    const topic = buildTopic({ kind: 'nodeState', cluster: this.cluster, node: name });
    return this.raw(topic, state ? JSON.stringify(state) : '', true);
  }

  /** A pod state under its node's topic (or a tombstone of the topic under `node`). */
  pod(node: string | null, namespace: string, name: string, state: PodState | null): Promise<unknown> {
    const topic = buildTopic({
      kind: 'podState',
      cluster: this.cluster,
      node: node ?? UNSCHEDULED,
      namespace,
      pod: name,
    });
    return this.raw(topic, state ? JSON.stringify(state) : '', true);
  }

  event(e: PodEvent | NodeEvent): Promise<unknown> {
    const node = 'namespace' in e.data ? (e.data.node ?? UNSCHEDULED) : e.data.name;
    return this.raw(buildTopic({ kind: 'nodeEvents', cluster: this.cluster, node }), JSON.stringify(e), false);
  }

  signal(s: AppSignal): Promise<unknown> {
    const { namespace, pod, node } = s.data;
    const topic = buildTopic({ kind: 'podSignals', cluster: this.cluster, node, namespace, pod });
    return this.client.publishAsync(topic, JSON.stringify(s), { qos: 0 });
  }

  raw(topic: string, payload: string, retain: boolean): Promise<unknown> {
    return this.client.publishAsync(topic, payload, { qos: 1, retain });
  }

  /** Fire and forget (QoS 0): for floods where waiting for each PUBACK would be the bottleneck. */
  rawQos0(topic: string, payload: string): Promise<unknown> {
    return this.client.publishAsync(topic, payload, { qos: 0 });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
