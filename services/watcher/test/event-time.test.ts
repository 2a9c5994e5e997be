// Issue 14's event rules (docs/design.md, Events): `time` is when the occurrence happened — a
// timestamp Kubernetes recorded, else when the watcher saw it — and never in the future; a pod that
// ends because it was deleted is `terminating` then `deleted`, never `succeeded` or `failed`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterEvent } from '@kubeblink/schemas';
import { type Change, ClusterState } from '../src/diff/cluster-state.ts';
import { assertValidEvents, running } from './diff-helpers.ts';
import { at, cs, type PodOpts, pod } from './fixtures.ts';

/** A synced ClusterState whose clock the test moves (fixtures' at(60) is its start). */
function withClock(pods: PodOpts[]) {
  let now = new Date(at(60));
  const s = new ClusterState({ cluster: 'default', now: () => now });
  for (const kind of ['nodes', 'pods'] as const) {
    s.apply({ kind, type: 'SYNC_START' });
    if (kind === 'pods') for (const o of pods) s.apply({ kind, type: 'ADDED', object: pod(o) });
    s.apply({ kind, type: 'SYNC_END' });
  }
  const seen: ClusterEvent[] = [];
  const take = (out: Change[]) => {
    assertValidEvents(out);
    const evs = out.flatMap((c) => (c.kind === 'event' ? [c.event] : []));
    seen.push(...evs);
    return evs.map((e) => [e.type.replace('io.kubeblink.', ''), e.time, e.data] as const);
  };
  return {
    s,
    seen,
    tick: (minutes: number) => {
      now = new Date(now.getTime() + minutes * 60_000);
    },
    now: () => now.toISOString(),
    modified: (o: PodOpts) => take(s.apply({ kind: 'pods', type: 'MODIFIED', object: pod(o) })),
    deleted: (o: PodOpts) => take(s.apply({ kind: 'pods', type: 'DELETED', object: pod(o) })),
  };
}

describe('event time', () => {
  test('terminating is dated when seen, its deadline in data; deleted follows it, neither in the future', () => {
    const c = withClock([{ ...running, rv: '1' }]);
    // kubectl delete with a 30 s grace period: deletionTimestamp = now + 30 s
    const deadline = new Date(Date.parse(c.now()) + 30_000).toISOString();
    const [terminating] = c.modified({ ...running, rv: '2', deletionTimestamp: deadline });
    assert.deepEqual(terminating?.slice(0, 2), ['pod.terminating', c.now()]);
    assert.equal((terminating?.[2] as { deadline?: string } | undefined)?.deadline, deadline);
    c.tick(0.1);
    const [deleted] = c.deleted({ ...running, rv: '3', deletionTimestamp: deadline });
    assert.deepEqual(deleted?.slice(0, 2), ['pod.deleted', c.now()]);
    const times = c.seen.map((e) => Date.parse(e.time ?? ''));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'monotonic per pod',
    );
    assert.ok(
      times.every((t) => t <= Date.parse(c.now())),
      'none after the watcher clock',
    );
  });

  test("Kubernetes' own timestamps are kept when past, and clamped to now when a skewed clock puts them ahead", () => {
    const c = withClock([{ name: 'web-1', rv: '1', node: 'n1' }]);
    const [started] = c.modified({ ...running, rv: '2' }); // startedAt at(1): an hour ago
    assert.deepEqual(started?.slice(0, 2), ['pod.started', at(1)]);
    const ahead = at(61); // a node whose clock runs a minute fast
    const restarted = c.modified({
      ...running,
      rv: '3',
      statuses: [
        cs(
          'app',
          { running: ahead },
          { ready: true, restarts: 1, last: { terminated: 'Error', exitCode: 1, finishedAt: ahead } },
        ),
      ],
    });
    assert.deepEqual(
      restarted.map((e) => e.slice(0, 2)),
      [
        ['pod.started', c.now()],
        ['pod.restarted', c.now()],
      ],
    );
    assert.equal(
      (restarted[0]?.[2] as { startedAt?: string } | undefined)?.startedAt,
      ahead,
      'data keeps what the API said',
    );
  });
});

describe('a deleted pod ends as terminating, then deleted', () => {
  const terminatedAs = (reason: string, exitCode: number): PodOpts => ({
    node: 'n1',
    statuses: [cs('app', { terminated: reason, exitCode, finishedAt: at(60) })],
  });

  test('scaled down (its app exits 0 on SIGTERM, the kubelet writes Succeeded): no succeeded', () => {
    const c = withClock([{ ...running, rv: '1' }]);
    const deadline = at(61);
    assert.deepEqual(
      c.modified({ ...running, rv: '2', deletionTimestamp: deadline }).map((e) => e[0]),
      ['pod.terminating'],
    );
    const ended = c.modified({
      ...terminatedAs('Completed', 0),
      rv: '3',
      phase: 'Succeeded',
      deletionTimestamp: deadline,
    });
    assert.deepEqual(
      ended.map((e) => e[0]),
      ['pod.unready'],
    );
    assert.deepEqual(
      c
        .deleted({ ...terminatedAs('Completed', 0), rv: '4', phase: 'Succeeded', deletionTimestamp: deadline })
        .map((e) => e[0]),
      ['pod.deleted'],
    );
    assert.deepEqual(
      c.seen.map((e) => e.type.replace('io.kubeblink.', '')),
      ['pod.terminating', 'pod.unready', 'pod.deleted'],
    );
  });

  test('killed at the deadline (exit 137, Failed): no failed; a pod that ends by itself still does', () => {
    const c = withClock([
      { ...running, rv: '1' },
      { ...running, rv: '1', name: 'job-1', uid: 'uid-j' },
    ]);
    const deadline = at(61);
    c.modified({ ...running, rv: '2', deletionTimestamp: deadline });
    const killed = c.modified({ ...terminatedAs('Error', 137), rv: '3', phase: 'Failed', deletionTimestamp: deadline });
    assert.ok(!killed.some((e) => e[0] === 'pod.failed'), JSON.stringify(killed));
    const job = c.modified({
      ...terminatedAs('Completed', 0),
      rv: '2',
      name: 'job-1',
      uid: 'uid-j',
      phase: 'Succeeded',
    });
    assert.deepEqual(
      job.map((e) => e[0]),
      ['pod.unready', 'pod.succeeded'],
    );
  });
});
