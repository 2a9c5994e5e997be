// Diff rules of relists and nodes (docs/design.md, Events): a relist is a sync; node Ready condition,
// cordon, add and delete; heartbeats publish nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Change } from '../src/diff/cluster-state.ts';
import { assertValidEvents, events, running, states, synced, types } from './diff-helpers.ts';
import { at, cs, node, pod } from './fixtures.ts';

describe('relist', () => {
  test('is a sync: unchanged objects publish nothing, changes are real transitions, missing ones are deleted', () => {
    const s = synced([
      pod({ ...running, rv: '1' }),
      pod({ ...running, rv: '1', name: 'web-2', uid: 'uid-2' }),
      pod({ ...running, rv: '1', name: 'web-3', uid: 'uid-3' }),
    ]);
    const out: Change[] = [];
    out.push(...s.apply({ kind: 'pods', type: 'SYNC_START' }));
    out.push(...s.apply({ kind: 'pods', type: 'ADDED', object: pod({ ...running, rv: '1' }) }));
    out.push(
      ...s.apply({
        kind: 'pods',
        type: 'ADDED',
        object: pod({
          ...running,
          rv: '7',
          name: 'web-2',
          uid: 'uid-2',
          conditions: { Ready: 'False' },
          statuses: [cs('app', { running: at(1) })],
        }),
      }),
    );
    out.push(...s.apply({ kind: 'pods', type: 'ADDED', object: pod({ rv: '8', name: 'web-9', uid: 'uid-9' }) }));
    out.push(...s.apply({ kind: 'pods', type: 'SYNC_END' }));
    assert.deepEqual(states(out), [
      'n1/demo/web-2:Running',
      '_unscheduled/demo/web-9:Pending',
      'n1/demo/web-3:<tombstone>',
    ]);
    assert.deepEqual(
      events(out).map((e) => e.id),
      ['uid-2/7/io.kubeblink.pod.unready', 'uid-3/1/io.kubeblink.pod.deleted'],
    );
  });
});

describe('node trigger rules', () => {
  test('added and ready, notready, unreachable, cordoned, uncordoned, deleted', () => {
    const s = synced();
    const n = (o: Parameters<typeof node>[0], type: 'ADDED' | 'MODIFIED' | 'DELETED' = 'MODIFIED') =>
      s.apply({ kind: 'nodes', type, object: node({ name: 'n3', uid: 'nu3', ...o }) });
    let out = n({ rv: '1', ready: 'True' }, 'ADDED');
    assert.deepEqual(types(out), ['node.added', 'node.ready']);
    assert.deepEqual(states(out), ['node n3:Ready']);
    assert.deepEqual(types(n({ rv: '2', ready: 'False', reason: 'KubeletNotReady' })), ['node.notready']);
    out = n({ rv: '3', ready: 'Unknown', reason: 'NodeStatusUnknown' });
    assert.deepEqual(types(out), ['node.unreachable']);
    assert.equal(events(out)[0]?.data.reason, 'NodeStatusUnknown');
    assert.deepEqual(types(n({ rv: '4', ready: 'True', unschedulable: true })), ['node.ready', 'node.cordoned']);
    assert.deepEqual(types(n({ rv: '5', ready: 'True' })), ['node.uncordoned']);
    out = n({ rv: '6', ready: 'True' }, 'DELETED');
    assert.deepEqual(states(out), ['node n3:<tombstone>']);
    assert.deepEqual(
      events(out).map((e) => [e.node, e.id]),
      [['n3', 'nu3/6/io.kubeblink.node.deleted']],
    );
    assertValidEvents(out);
  });

  test('a heartbeat that changes only the resourceVersion publishes nothing', () => {
    const s = synced([], [node({ name: 'n1', rv: '1' })]);
    assert.deepEqual(s.apply({ kind: 'nodes', type: 'MODIFIED', object: node({ name: 'n1', rv: '2' }) }), []);
  });
});
