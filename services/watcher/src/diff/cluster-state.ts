// The watcher's memory: the compact state of every live pod and node, by UID, and the changes each
// source event causes (states to publish or clear, transition events). Pure: no I/O, time injected.
// - The first sync of a resource publishes states without transition events (docs/design.md, start-up).
// - A later sync (relist) diffs by UID: unchanged objects publish nothing, missing ones are deleted.
// - A new UID under a known name is a delete and an add, whatever the source called it.
// - A pod whose node segment changes (scheduled, or recreated elsewhere) clears its old topic.
import type { ClusterEvent, NodeState, PodState } from '@kubeblink/schemas';
import type { Node, Pod } from '../derive/kube-types.ts';
import { deriveNode, type NodeRecord } from '../derive/node-state.ts';
import { derivePod, type PodRecord } from '../derive/pod-state.ts';
import type { ResourceKind, SourceEvent } from '../source/source-types.ts';
import type { EventContext } from './cloudevent.ts';
import { jsonEqual } from './json-equal.ts';
import { nodeDeletedEvent, nodeEvents } from './node-events.ts';
import { podDeletedEvent, podEvents } from './pod-events.ts';

/** Node segment of pods not yet on a node (same value as @kubeblink/core's UNSCHEDULED). */
export const UNSCHEDULED_SEGMENT = '_unscheduled';

export type Change =
  | { kind: 'podState'; node: string; namespace: string; pod: string; state: PodState | null }
  | { kind: 'nodeState'; node: string; state: NodeState | null }
  | { kind: 'event'; node: string; event: ClusterEvent };

export const podNode = (s: PodState): string => s.node ?? UNSCHEDULED_SEGMENT;

/** Equal but for resourceVersion (a node heartbeat, a relist): then nothing is published. */
function sameExceptVersion<T extends { resourceVersion: string }>(a: T, b: T): boolean {
  // Swapping the version in and out avoids copying both objects on this hot path.
  const rv = b.resourceVersion;
  b.resourceVersion = a.resourceVersion;
  try {
    return jsonEqual(a, b);
  } finally {
    b.resourceVersion = rv;
  }
}

const samePod = (a: PodRecord, b: PodRecord): boolean =>
  a.reason === b.reason &&
  a.message === b.message &&
  a.disruption === b.disruption &&
  sameExceptVersion(a.state, b.state);

const sameNode = (a: NodeRecord, b: NodeRecord): boolean =>
  a.readyReason === b.readyReason && a.readyMessage === b.readyMessage && sameExceptVersion(a.state, b.state);

export class ClusterState {
  readonly pods = new Map<string, PodRecord>();
  readonly nodes = new Map<string, NodeRecord>();
  private readonly podUid = new Map<string, string>();
  private readonly nodeUid = new Map<string, string>();
  private readonly seen: Record<ResourceKind, Set<string> | null> = { pods: null, nodes: null };
  private readonly synced: Record<ResourceKind, boolean> = { pods: false, nodes: false };
  /** Objects without a uid or name (never from a real API), skipped. */
  invalid = 0;
  private readonly ctx: EventContext;

  constructor(ctx: EventContext) {
    this.ctx = ctx;
  }

  /** Both resources have completed their first sync. */
  get initialSyncDone(): boolean {
    return this.synced.pods && this.synced.nodes;
  }

  isSynced(kind: ResourceKind): boolean {
    return this.synced[kind];
  }

  apply(e: SourceEvent): Change[] {
    switch (e.type) {
      case 'SYNC_START':
        this.seen[e.kind] = new Set();
        return [];
      case 'SYNC_END':
        return this.endSync(e.kind);
      default:
        if (e.kind === 'pods') return e.type === 'DELETED' ? this.deletePod(e.object) : this.upsertPod(e.object);
        return e.type === 'DELETED' ? this.deleteNode(e.object) : this.upsertNode(e.object);
    }
  }

  /** Every current state, for a republish after the broker lost them. */
  *states(): Generator<Change> {
    for (const r of this.nodes.values()) yield { kind: 'nodeState', node: r.state.name, state: r.state };
    for (const r of this.pods.values()) yield this.podStateChange(r.state);
  }

  private podStateChange(s: PodState, clear = false): Change {
    return { kind: 'podState', node: podNode(s), namespace: s.namespace, pod: s.name, state: clear ? null : s };
  }

  private endSync(kind: ResourceKind): Change[] {
    const seen = this.seen[kind];
    this.seen[kind] = null;
    const out: Change[] = [];
    if (seen) {
      const map = kind === 'pods' ? this.pods : this.nodes;
      for (const uid of [...map.keys()]) {
        if (seen.has(uid)) continue;
        out.push(...(kind === 'pods' ? this.removePod(uid) : this.removeNode(uid)));
      }
    }
    this.synced[kind] = true;
    return out;
  }

  private upsertPod(obj: Pod): Change[] {
    const next = derivePod(obj);
    const s = next.state;
    if (!s.uid || !s.name || !s.namespace) {
      this.invalid++;
      return [];
    }
    const out: Change[] = [];
    const key = `${s.namespace}/${s.name}`;
    const oldUid = this.podUid.get(key);
    if (oldUid !== undefined && oldUid !== s.uid) out.push(...this.removePod(oldUid));
    const prev = this.pods.get(s.uid);
    this.podUid.set(key, s.uid);
    this.seen.pods?.add(s.uid);
    if (prev && samePod(prev, next)) {
      // Nothing published or compared changed (a relist, a status write kubectl does not show): the
      // known record stays, with the new resourceVersion, and the new one is garbage at once, which
      // costs V8 far less than replacing a long-lived object. No rule can trigger without a change.
      prev.state.resourceVersion = s.resourceVersion;
      return out;
    }
    this.pods.set(s.uid, next);
    if (prev && podNode(prev.state) !== podNode(s)) out.push(this.podStateChange(prev.state, true));
    if (!prev || podNode(prev.state) !== podNode(s) || !sameExceptVersion(prev.state, s)) {
      out.push(this.podStateChange(s));
    }
    if (this.synced.pods) {
      for (const event of podEvents(this.ctx, prev, next)) out.push({ kind: 'event', node: podNode(s), event });
    }
    return out;
  }

  private deletePod(obj: Pod): Change[] {
    const uid = obj.metadata?.uid;
    if (!uid || !this.pods.has(uid)) return [];
    // The DELETED object carries the final resourceVersion: the deleted event's id uses it.
    return this.removePod(uid, derivePod(obj));
  }

  private removePod(uid: string, final?: PodRecord): Change[] {
    const last = this.pods.get(uid);
    if (!last) return [];
    this.pods.delete(uid);
    const key = `${last.state.namespace}/${last.state.name}`;
    if (this.podUid.get(key) === uid) this.podUid.delete(key);
    const out: Change[] = [this.podStateChange(last.state, true)];
    if (this.synced.pods) {
      const record = final && podNode(final.state) === podNode(last.state) ? final : last;
      out.push({ kind: 'event', node: podNode(last.state), event: podDeletedEvent(this.ctx, record) });
    }
    return out;
  }

  private upsertNode(obj: Node): Change[] {
    const next = deriveNode(obj);
    const s = next.state;
    if (!s.uid || !s.name) {
      this.invalid++;
      return [];
    }
    const out: Change[] = [];
    const oldUid = this.nodeUid.get(s.name);
    if (oldUid !== undefined && oldUid !== s.uid) out.push(...this.removeNode(oldUid));
    const prev = this.nodes.get(s.uid);
    this.nodeUid.set(s.name, s.uid);
    this.seen.nodes?.add(s.uid);
    if (prev && sameNode(prev, next)) {
      // A heartbeat: only the resourceVersion moved (see upsertPod).
      prev.state.resourceVersion = s.resourceVersion;
      return out;
    }
    this.nodes.set(s.uid, next);
    if (!prev || !sameExceptVersion(prev.state, s)) out.push({ kind: 'nodeState', node: s.name, state: s });
    if (this.synced.nodes) {
      for (const event of nodeEvents(this.ctx, prev, next)) out.push({ kind: 'event', node: s.name, event });
    }
    return out;
  }

  private deleteNode(obj: Node): Change[] {
    const uid = obj.metadata?.uid;
    if (!uid || !this.nodes.has(uid)) return [];
    return this.removeNode(uid, deriveNode(obj));
  }

  private removeNode(uid: string, final?: NodeRecord): Change[] {
    const last = this.nodes.get(uid);
    if (!last) return [];
    this.nodes.delete(uid);
    if (this.nodeUid.get(last.state.name) === uid) this.nodeUid.delete(last.state.name);
    const out: Change[] = [{ kind: 'nodeState', node: last.state.name, state: null }];
    if (this.synced.nodes) {
      out.push({ kind: 'event', node: last.state.name, event: nodeDeletedEvent(this.ctx, final ?? last) });
    }
    return out;
  }
}
