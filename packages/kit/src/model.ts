// The live cluster model: what the retained state topics say right now. It is keyed exactly as the
// retained messages are (one entry per topic), so it can be compared with the broker's retained set,
// and a pod moving from `_unscheduled` to a node is two entries for a moment (new state, then the
// watcher's tombstone of the old topic), never a lost update.
// Browser-safe: no Node imports.
import type { BusMessage } from '@kubeblink/core/decode';
import { buildTopic } from '@kubeblink/core/topics';
import type { ClusterStatus, NodeState, PodState } from '@kubeblink/schemas';

export type ModelChange =
  | { kind: 'status'; before: ClusterStatus | undefined; after: ClusterStatus | undefined }
  | { kind: 'node'; node: string; before: NodeState | undefined; after: NodeState | undefined }
  | {
      kind: 'pod';
      /** The node segment of the pod's topic (`_unscheduled` for pods not yet on a node). */
      node: string;
      namespace: string;
      name: string;
      before: PodState | undefined;
      after: PodState | undefined;
    };

export type ChangeListener = (change: ModelChange) => void;

interface PodEntry {
  node: string;
  state: PodState;
}

const podKey = (node: string, namespace: string, name: string) => `${node}\u0000${namespace}\u0000${name}`;
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export class ClusterModel {
  readonly cluster: string;
  private statusValue: ClusterStatus | undefined;
  private readonly nodeMap = new Map<string, NodeState>();
  private readonly podMap = new Map<string, PodEntry>();
  private readonly listeners = new Set<ChangeListener>();
  /** Keys not seen again since a resync began; removed by endResync(). Null when not resyncing. */
  private unseen: Set<string> | null = null;
  /** Reports a listener that threw; listeners never break the model. */
  onListenerError: (err: unknown) => void = () => {};

  constructor(cluster: string) {
    this.cluster = cluster;
  }

  get status(): ClusterStatus | undefined {
    return this.statusValue;
  }

  /** Nodes, sorted by name. */
  nodes(): NodeState[] {
    return [...this.nodeMap.values()].sort(byName);
  }

  node(name: string): NodeState | undefined {
    return this.nodeMap.get(name);
  }

  /** Pods, sorted by namespace and name; only those under one node segment when `node` is given. */
  pods(node?: string): PodState[] {
    const out: PodState[] = [];
    for (const e of this.podMap.values()) if (node === undefined || e.node === node) out.push(e.state);
    return out.sort((a, b) => (a.namespace === b.namespace ? byName(a, b) : a.namespace < b.namespace ? -1 : 1));
  }

  /** One pod by namespace and name (while it moves between node topics, the scheduled entry wins). */
  pod(namespace: string, name: string): PodState | undefined {
    let found: PodEntry | undefined;
    for (const e of this.podMap.values()) {
      if (e.state.namespace !== namespace || e.state.name !== name) continue;
      if (!found || found.node === '_unscheduled') found = e;
    }
    return found?.state;
  }

  /** Subscribes to changes; returns the function that unsubscribes. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The model as the retained messages that describe it: topic -> payload (status, node and pod states). */
  toTopics(): Record<string, unknown> {
    const c = this.cluster;
    const out: Record<string, unknown> = {};
    if (this.statusValue) out[buildTopic({ kind: 'clusterStatus', cluster: c })] = this.statusValue;
    for (const [node, s] of this.nodeMap) out[buildTopic({ kind: 'nodeState', cluster: c, node })] = s;
    for (const { node, state } of this.podMap.values()) {
      out[buildTopic({ kind: 'podState', cluster: c, node, namespace: state.namespace, pod: state.name })] = state;
    }
    return out;
  }

  /** Applies a validated state message (a null payload is a tombstone); other kinds are ignored. */
  apply(m: BusMessage): void {
    if (m.parts.cluster !== this.cluster) return;
    switch (m.kind) {
      case 'clusterStatus':
        this.setStatus(m.payload);
        return;
      case 'nodeState':
        this.setNode(m.parts.node, m.payload);
        return;
      case 'podState':
        this.setPod(m.parts.node, m.parts.namespace, m.parts.pod, m.payload);
        return;
      default:
        return;
    }
  }

  /** A `deleted` event removes at once what has that uid (the watcher's tombstone follows). */
  removeByUid(kind: 'pod' | 'node', uid: string): void {
    if (kind === 'node') {
      for (const [name, s] of this.nodeMap) if (s.uid === uid) this.setNode(name, null);
      return;
    }
    for (const e of [...this.podMap.values()]) {
      if (e.state.uid === uid) this.setPod(e.node, e.state.namespace, e.state.name, null);
    }
  }

  /**
   * After a reconnect without a session the broker resends every retained message, but a state that
   * was deleted while we were away comes back as nothing at all: mark everything, and endResync()
   * removes what was not seen again.
   */
  beginResync(): void {
    this.unseen = new Set(['status', ...[...this.nodeMap.keys()].map((n) => `node\u0000${n}`), ...this.podMap.keys()]);
  }

  get resyncing(): boolean {
    return this.unseen !== null;
  }

  endResync(): void {
    const unseen = this.unseen;
    this.unseen = null;
    if (!unseen) return;
    for (const key of unseen) {
      if (key === 'status') this.setStatus(null);
      else if (key.startsWith('node\u0000')) this.setNode(key.slice(5), null);
      else {
        const e = this.podMap.get(key);
        if (e) this.setPod(e.node, e.state.namespace, e.state.name, null);
      }
    }
  }

  private setStatus(after: ClusterStatus | null): void {
    this.unseen?.delete('status');
    const before = this.statusValue;
    this.statusValue = after ?? undefined;
    if (before || after) this.emit({ kind: 'status', before, after: after ?? undefined });
  }

  private setNode(node: string, after: NodeState | null): void {
    this.unseen?.delete(`node\u0000${node}`);
    const before = this.nodeMap.get(node);
    if (after) this.nodeMap.set(node, after);
    else this.nodeMap.delete(node);
    if (before || after) this.emit({ kind: 'node', node, before, after: after ?? undefined });
  }

  private setPod(node: string, namespace: string, name: string, after: PodState | null): void {
    const key = podKey(node, namespace, name);
    this.unseen?.delete(key);
    const before = this.podMap.get(key)?.state;
    if (after) this.podMap.set(key, { node, state: after });
    else this.podMap.delete(key);
    if (before || after) this.emit({ kind: 'pod', node, namespace, name, before, after: after ?? undefined });
  }

  private emit(change: ModelChange): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
