// Helpers of the diff tests: a ClusterState after its first sync, and compact views of changes.
import assert from 'node:assert/strict';
import { validateMessage } from '@kubeblink/schemas';
import type { Node, Pod } from '../src/derive/kube-types.ts';
import { type Change, ClusterState } from '../src/diff/cluster-state.ts';
import { at, cs, type PodOpts, pod } from './fixtures.ts';

export const NOW = new Date('2026-11-29T07:00:00Z');

export function synced(pods: Pod[] = [], nodes: Node[] = []): ClusterState {
  const s = new ClusterState({ cluster: 'default', now: () => NOW });
  s.apply({ kind: 'nodes', type: 'SYNC_START' });
  for (const n of nodes) s.apply({ kind: 'nodes', type: 'ADDED', object: n });
  s.apply({ kind: 'nodes', type: 'SYNC_END' });
  s.apply({ kind: 'pods', type: 'SYNC_START' });
  for (const p of pods) s.apply({ kind: 'pods', type: 'ADDED', object: p });
  s.apply({ kind: 'pods', type: 'SYNC_END' });
  return s;
}

export const mod = (s: ClusterState, o: PodOpts) => s.apply({ kind: 'pods', type: 'MODIFIED', object: pod(o) });
export const events = (changes: Change[]) =>
  changes.flatMap((c) =>
    c.kind === 'event'
      ? [{ node: c.node, type: c.event.type, id: c.event.id, data: c.event.data as unknown as Record<string, unknown> }]
      : [],
  );
export const types = (changes: Change[]) => events(changes).map((e) => e.type.replace(/^io\.kubeblink\./, ''));
export const states = (changes: Change[]) =>
  changes.flatMap((c) =>
    c.kind === 'podState'
      ? [`${c.node}/${c.namespace}/${c.pod}:${c.state ? c.state.status : '<tombstone>'}`]
      : c.kind === 'nodeState'
        ? [`node ${c.node}:${c.state ? c.state.status : '<tombstone>'}`]
        : [],
  );

export function assertValidEvents(changes: Change[]) {
  for (const c of changes)
    if (c.kind === 'event') {
      const v = validateMessage('clusterEvent', c.event);
      assert.ok(v.ok, `${c.event.type}: ${JSON.stringify(v)}`);
    }
}

export const running = {
  phase: 'Running',
  node: 'n1',
  conditions: { Ready: 'True' },
  statuses: [cs('app', { running: at(1) }, { ready: true })],
};
