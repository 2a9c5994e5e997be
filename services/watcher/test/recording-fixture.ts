// A small recorded watch stream built from the crafted objects: a first sync (two nodes, two pods),
// then transitions. Used by the integration tests and the CLI test.
import { writeFileSync } from 'node:fs';
import type { SourceEvent } from '../src/source/source-types.ts';
import { at, cs, node, pod } from './fixtures.ts';

const running = (rv: string, restarts = 0) =>
  pod({
    name: 'web-1',
    uid: 'uid-1',
    rv,
    node: 'n1',
    phase: 'Running',
    ip: '10.244.1.7',
    owner: { kind: 'ReplicaSet', name: 'web-7d9' },
    conditions: { Ready: 'True' },
    statuses: [
      cs(
        'app',
        { running: at(restarts ? 6 : 1) },
        restarts
          ? { ready: true, restarts, last: { terminated: 'Error', exitCode: 3, finishedAt: at(5) } }
          : { ready: true },
      ),
    ],
  });

export const recordedEvents: { t: number; e: SourceEvent }[] = [
  { t: 0, e: { kind: 'nodes', type: 'SYNC_START' } },
  { t: 1, e: { kind: 'nodes', type: 'ADDED', object: node({ name: 'n1', uid: 'nu1', rv: '10' }) } },
  { t: 1, e: { kind: 'nodes', type: 'ADDED', object: node({ name: 'n2', uid: 'nu2', rv: '11' }) } },
  { t: 2, e: { kind: 'nodes', type: 'SYNC_END' } },
  { t: 2, e: { kind: 'pods', type: 'SYNC_START' } },
  { t: 3, e: { kind: 'pods', type: 'ADDED', object: running('100') } },
  { t: 3, e: { kind: 'pods', type: 'ADDED', object: pod({ name: 'web-2', uid: 'uid-2', rv: '101' }) } },
  { t: 4, e: { kind: 'pods', type: 'SYNC_END' } },
  // after the first sync: web-2 is scheduled on n2 and becomes ready, web-1 restarts, n1 is cordoned, web-1 is deleted
  { t: 50, e: { kind: 'pods', type: 'MODIFIED', object: pod({ name: 'web-2', uid: 'uid-2', rv: '102', node: 'n2' }) } },
  {
    t: 60,
    e: {
      kind: 'pods',
      type: 'MODIFIED',
      object: pod({
        name: 'web-2',
        uid: 'uid-2',
        rv: '103',
        node: 'n2',
        phase: 'Running',
        conditions: { Ready: 'True' },
        statuses: [cs('app', { running: at(2) }, { ready: true })],
      }),
    },
  },
  { t: 70, e: { kind: 'pods', type: 'MODIFIED', object: running('104', 1) } },
  {
    t: 80,
    e: { kind: 'nodes', type: 'MODIFIED', object: node({ name: 'n1', uid: 'nu1', rv: '12', unschedulable: true }) },
  },
  { t: 90, e: { kind: 'pods', type: 'DELETED', object: running('105', 1) } },
];

/** Writes the events from index `from` to `to` (all by default) as a recording. */
export function writeRecording(file: string, o: { from?: number; to?: number; extraLines?: string[] } = {}): void {
  const header = JSON.stringify({ kubeblink: 'recording', version: 1, recordedAt: at(0) });
  const lines = recordedEvents.slice(o.from ?? 0, o.to).map(({ t, e }) => JSON.stringify({ t, ...e }));
  writeFileSync(file, `${[header, ...lines.slice(0, 4), ...(o.extraLines ?? []), ...lines.slice(4)].join('\n')}\n`);
}

/** Index of the first event after the first sync. */
export const AFTER_SYNC = 8;
