// Diff and trigger rules of pods (docs/design.md, Events): every rule against the previous state of the same UID,
// the first sync without events, new UID under an old name, node moves (relists, nodes: node-events.test.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Change, ClusterState } from '../src/diff/cluster-state.ts';
import { assertValidEvents, events, mod, NOW, running, states, synced, types } from './diff-helpers.ts';
import { at, cs, node, pod } from './fixtures.ts';

describe('first sync', () => {
  test('publishes every state and no transition event', () => {
    const s = new ClusterState({ cluster: 'default', now: () => NOW });
    const out: Change[] = [];
    out.push(...s.apply({ kind: 'nodes', type: 'SYNC_START' }));
    out.push(...s.apply({ kind: 'nodes', type: 'ADDED', object: node({ name: 'n1' }) }));
    out.push(...s.apply({ kind: 'nodes', type: 'SYNC_END' }));
    out.push(...s.apply({ kind: 'pods', type: 'SYNC_START' }));
    out.push(...s.apply({ kind: 'pods', type: 'ADDED', object: pod(running) }));
    out.push(...s.apply({ kind: 'pods', type: 'ADDED', object: pod({ name: 'web-2', uid: 'uid-2' }) }));
    assert.equal(s.initialSyncDone, false);
    out.push(...s.apply({ kind: 'pods', type: 'SYNC_END' }));
    assert.equal(s.initialSyncDone, true);
    assert.deepEqual(states(out), ['node n1:Ready', 'n1/demo/web-1:Running', '_unscheduled/demo/web-2:Pending']);
    assert.deepEqual(types(out), []);
  });
});

describe('pod trigger rules', () => {
  test('a new pod: unscheduled state, then scheduled (old topic cleared), started, ready', () => {
    const s = synced();
    let out = s.apply({ kind: 'pods', type: 'ADDED', object: pod({ rv: '101' }) });
    assert.deepEqual(states(out), ['_unscheduled/demo/web-1:Pending']);
    assert.deepEqual(types(out), []);
    out = mod(s, { rv: '102', node: 'n1', conditions: { PodScheduled: 'True' } });
    assert.deepEqual(states(out), ['_unscheduled/demo/web-1:<tombstone>', 'n1/demo/web-1:Pending']);
    assert.deepEqual(
      events(out).map((e) => [e.node, e.id]),
      [['n1', 'uid-1/102/io.kubeblink.pod.scheduled']],
    );
    out = mod(s, { rv: '103', ...running });
    assert.deepEqual(types(out), ['pod.started', 'pod.ready']);
    assert.equal(events(out)[0]?.data.startedAt, at(1));
    assertValidEvents(out);
  });

  test('restarted carries the cause from lastState.terminated; then crashloop; ready/unready', () => {
    const s = synced([pod({ ...running, rv: '200' })]);
    let out = mod(s, {
      rv: '201',
      phase: 'Running',
      node: 'n1',
      conditions: { Ready: 'False' },
      statuses: [
        cs(
          'app',
          { waiting: 'CrashLoopBackOff', message: 'back-off 10s' },
          { restarts: 1, last: { terminated: 'Error', exitCode: 3, finishedAt: at(4) } },
        ),
      ],
    });
    assert.deepEqual(types(out), ['pod.restarted', 'pod.crashloop', 'pod.unready']);
    const [restarted, crashloop] = events(out);
    assert.equal(restarted?.id, 'uid-1/201/io.kubeblink.pod.restarted');
    assert.deepEqual(
      {
        c: restarted?.data.container,
        r: restarted?.data.reason,
        e: restarted?.data.exitCode,
        n: restarted?.data.restartCount,
      },
      { c: 'app', r: 'Error', e: 3, n: 1 },
    );
    assert.equal(crashloop?.data.reason, 'CrashLoopBackOff');
    assert.equal(crashloop?.data.message, 'back-off 10s');
    assertValidEvents(out);
    // the same waiting reason again (another resourceVersion) is no new transition
    out = mod(s, {
      rv: '202',
      phase: 'Running',
      node: 'n1',
      conditions: { Ready: 'False' },
      statuses: [
        cs(
          'app',
          { waiting: 'CrashLoopBackOff', message: 'back-off 20s' },
          { restarts: 1, last: { terminated: 'Error', exitCode: 3, finishedAt: at(4) } },
        ),
      ],
    });
    assert.deepEqual(types(out), []);
    // it runs again: started (new startedAt) and ready
    out = mod(s, {
      rv: '203',
      phase: 'Running',
      node: 'n1',
      conditions: { Ready: 'True' },
      statuses: [
        cs(
          'app',
          { running: at(6) },
          { ready: true, restarts: 1, last: { terminated: 'Error', exitCode: 3, finishedAt: at(4) } },
        ),
      ],
    });
    assert.deepEqual(types(out), ['pod.started', 'pod.ready']);
  });

  test('OOMKilled restart keeps the signal', () => {
    const s = synced([pod({ ...running, rv: '200' })]);
    const out = mod(s, {
      ...running,
      rv: '201',
      statuses: [
        cs(
          'app',
          { running: at(5) },
          { ready: true, restarts: 1, last: { terminated: 'OOMKilled', exitCode: 137, signal: 9, finishedAt: at(4) } },
        ),
      ],
    });
    const r = events(out).find((e) => e.type === 'io.kubeblink.pod.restarted');
    assert.deepEqual([r?.data.reason, r?.data.exitCode, r?.data.signal], ['OOMKilled', 137, 9]);
  });

  test('image pull failures: ErrImagePull, ImagePullBackOff, InvalidImageName; config error', () => {
    const s = synced([pod({ rv: '300', node: 'n1', statuses: [cs('app', { waiting: 'ContainerCreating' })] })]);
    const waiting = (rv: string, reason: string) =>
      mod(s, { rv, node: 'n1', statuses: [cs('app', { waiting: reason })] });
    assert.deepEqual(types(waiting('301', 'ErrImagePull')), ['pod.imagepull-failed']);
    assert.deepEqual(types(waiting('302', 'ImagePullBackOff')), ['pod.imagepull-failed']);
    assert.deepEqual(types(waiting('303', 'ImagePullBackOff')), []);
    assert.deepEqual(types(waiting('304', 'InvalidImageName')), ['pod.imagepull-failed']);
    const cfg = waiting('305', 'CreateContainerConfigError');
    assert.deepEqual(types(cfg), ['pod.config-error']);
    assert.equal(events(cfg)[0]?.data.reason, 'CreateContainerConfigError');
    assertValidEvents(cfg);
  });

  test('two containers triggering the same type in one update get distinct deterministic ids', () => {
    const two = { containers: ['a', 'b'], node: 'n1', phase: 'Running' };
    const s = synced([
      pod({
        ...two,
        rv: '1',
        statuses: [cs('a', { waiting: 'ContainerCreating' }), cs('b', { waiting: 'ContainerCreating' })],
      }),
    ]);
    const out = mod(s, { ...two, rv: '2', statuses: [cs('a', { running: at(1) }), cs('b', { running: at(1) })] });
    assert.deepEqual(
      events(out).map((e) => e.id),
      ['uid-1/2/io.kubeblink.pod.started/a', 'uid-1/2/io.kubeblink.pod.started/b'],
    );
  });

  test('terminating, then deleted with the final resourceVersion and a tombstone', () => {
    const s = synced([pod({ ...running, rv: '400' })]);
    let out = mod(s, { ...running, rv: '401', deletionTimestamp: at(10) });
    assert.deepEqual(types(out), ['pod.terminating']);
    assert.deepEqual(states(out), ['n1/demo/web-1:Terminating']);
    out = s.apply({ kind: 'pods', type: 'DELETED', object: pod({ ...running, rv: '402', deletionTimestamp: at(10) }) });
    assert.deepEqual(states(out), ['n1/demo/web-1:<tombstone>']);
    assert.deepEqual(
      events(out).map((e) => [e.node, e.id]),
      [['n1', 'uid-1/402/io.kubeblink.pod.deleted']],
    );
    assert.equal(s.pods.size, 0);
    // a DELETED for an unknown pod changes nothing
    assert.deepEqual(s.apply({ kind: 'pods', type: 'DELETED', object: pod({ uid: 'other' }) }), []);
  });

  test('succeeded, failed (reason and exit code), evicted (kubelet and taint manager)', () => {
    const s = synced([
      pod({ ...running, rv: '1' }),
      pod({ ...running, rv: '1', name: 'web-2', uid: 'uid-2' }),
      pod({ ...running, rv: '1', name: 'web-3', uid: 'uid-3' }),
      pod({ ...running, rv: '1', name: 'web-4', uid: 'uid-4' }),
    ]);
    assert.deepEqual(
      types(mod(s, { node: 'n1', rv: '2', phase: 'Succeeded', statuses: [cs('app', { terminated: 'Completed' })] })),
      ['pod.unready', 'pod.succeeded'],
    );
    const failed = mod(s, {
      name: 'web-2',
      uid: 'uid-2',
      node: 'n1',
      rv: '2',
      phase: 'Failed',
      statuses: [cs('app', { terminated: 'Error', exitCode: 2 })],
    });
    assert.deepEqual(types(failed), ['pod.unready', 'pod.failed']);
    assert.deepEqual([events(failed)[1]?.data.reason, events(failed)[1]?.data.exitCode], ['Error', 2]);
    const evicted = mod(s, {
      name: 'web-3',
      uid: 'uid-3',
      node: 'n1',
      rv: '2',
      phase: 'Failed',
      reason: 'Evicted',
      message: 'low on memory',
    });
    assert.deepEqual(types(evicted), ['pod.unready', 'pod.evicted']);
    assert.equal(events(evicted)[1]?.data.reason, 'Evicted');
    const tainted = mod(s, {
      ...running,
      name: 'web-4',
      uid: 'uid-4',
      rv: '2',
      deletionTimestamp: at(3),
      conditions: { Ready: 'True', DisruptionTarget: ['True', 'DeletionByTaintManager'] },
    });
    assert.deepEqual(types(tainted), ['pod.evicted', 'pod.terminating']);
    assert.equal(events(tainted)[0]?.data.reason, 'DeletionByTaintManager');
    assertValidEvents([...failed, ...evicted, ...tainted]);
  });

  test('a new UID under a known name is a delete and an add, even when reported as MODIFIED', () => {
    const s = synced([pod({ ...running, name: 'db-0', rv: '1', owner: { kind: 'StatefulSet', name: 'db' } })]);
    const out = s.apply({
      kind: 'pods',
      type: 'MODIFIED',
      object: pod({ name: 'db-0', uid: 'uid-new', rv: '5', node: 'n2', owner: { kind: 'StatefulSet', name: 'db' } }),
    });
    assert.deepEqual(states(out), ['n1/demo/db-0:<tombstone>', 'n2/demo/db-0:Pending']);
    assert.deepEqual(
      events(out).map((e) => [e.node, e.id]),
      [
        ['n1', 'uid-1/1/io.kubeblink.pod.deleted'],
        ['n2', 'uid-new/5/io.kubeblink.pod.scheduled'],
      ],
    );
    assert.deepEqual([...s.pods.keys()], ['uid-new']);
  });
});

describe('updates that change nothing published', () => {
  test('publish nothing; the record keeps the newest resourceVersion (a relist delete event uses it)', () => {
    const s = synced([pod({ ...running, rv: '300' })]);
    const before = s.pods.get('uid-1');
    // Only the resourceVersion moved (a status write kubectl does not show).
    assert.deepEqual(mod(s, { ...running, rv: '301' }), []);
    assert.equal(s.pods.get('uid-1'), before);
    assert.equal(s.pods.get('uid-1')?.state.resourceVersion, '301');
    // A pod-level message is no state field, but failed/evicted events carry it: the record is replaced.
    assert.deepEqual(mod(s, { ...running, rv: '302', message: 'node is low on memory' }), []);
    assert.equal(s.pods.get('uid-1')?.message, 'node is low on memory');
    assert.deepEqual(mod(s, { ...running, rv: '303', message: 'node is low on memory' }), []);
    // The pod is gone from a relist: its deleted event names the last resourceVersion seen.
    s.apply({ kind: 'pods', type: 'SYNC_START' });
    const out = s.apply({ kind: 'pods', type: 'SYNC_END' });
    assert.deepEqual(states(out), ['n1/demo/web-1:<tombstone>']);
    assert.deepEqual(
      events(out).map((e) => e.id),
      ['uid-1/303/io.kubeblink.pod.deleted'],
    );
  });
});
