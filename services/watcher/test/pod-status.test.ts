// Table-driven tests of kubectl's STATUS / READY / RESTARTS columns: one row per branch of printPod
// (k8s.io/kubernetes v1.36.5 pkg/printers/internalversion/printers.go), crafted objects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podColumns, readinessGates } from '../src/derive/pod-status.ts';
import { at, cs, type PodOpts, pod } from './fixtures.ts';

interface Row {
  name: string;
  pod: PodOpts;
  status: string;
  ready?: string;
  restarts?: number;
  lastRestartAt?: string | null;
}

const running = (name = 'app', o: Parameters<typeof cs>[2] = { ready: true }) => cs(name, { running: at(1) }, o);

const rows: Row[] = [
  { name: 'phase when nothing else is known', pod: { phase: 'Pending' }, status: 'Pending', ready: '0/1' },
  { name: 'status.reason overrides the phase', pod: { phase: 'Failed', reason: 'Evicted' }, status: 'Evicted' },
  {
    name: 'SchedulingGated condition',
    pod: { phase: 'Pending', conditions: { PodScheduled: ['False', 'SchedulingGated'] } },
    status: 'SchedulingGated',
  },
  {
    name: 'waiting reason of a container',
    pod: { node: 'n1', statuses: [cs('app', { waiting: 'ContainerCreating' })] },
    status: 'ContainerCreating',
  },
  {
    name: 'running and ready',
    pod: { phase: 'Running', statuses: [running()], conditions: { Ready: 'True' } },
    status: 'Running',
    ready: '1/1',
    restarts: 0,
  },
  {
    name: 'running but not ready does not count in READY',
    pod: { phase: 'Running', statuses: [running('app', { ready: false })] },
    status: 'Running',
    ready: '0/1',
  },
  {
    name: 'CrashLoopBackOff with restarts and the last restart time',
    pod: {
      phase: 'Running',
      statuses: [
        cs(
          'app',
          { waiting: 'CrashLoopBackOff' },
          { restarts: 3, last: { terminated: 'Error', exitCode: 1, finishedAt: at(5) } },
        ),
      ],
    },
    status: 'CrashLoopBackOff',
    ready: '0/1',
    restarts: 3,
    lastRestartAt: at(5),
  },
  {
    name: 'terminated reason',
    pod: { phase: 'Running', statuses: [cs('app', { terminated: 'Error', exitCode: 2 })] },
    status: 'Error',
  },
  {
    name: 'terminated without reason, by a signal: Signal:N',
    pod: { phase: 'Running', statuses: [cs('app', { terminated: null, exitCode: 137, signal: 9 })] },
    status: 'Signal:9',
  },
  {
    name: 'terminated without reason or signal: ExitCode:N',
    pod: { phase: 'Running', statuses: [cs('app', { terminated: null, exitCode: 3 })] },
    status: 'ExitCode:3',
  },
  {
    name: 'Completed',
    pod: { phase: 'Succeeded', statuses: [cs('app', { terminated: 'Completed' })] },
    status: 'Completed',
    ready: '0/1',
  },
  {
    name: 'Completed with a running ready container and a Ready pod: Running',
    pod: {
      phase: 'Running',
      containers: ['app', 'job'],
      statuses: [running('app'), cs('job', { terminated: 'Completed' })],
      conditions: { Ready: 'True' },
    },
    // walked last to first: job sets Completed, app is running and ready (hasRunning): back to Running
    status: 'Running',
    ready: '1/2',
  },
  {
    name: 'Completed (first container) with a running one after it and a Ready pod: Running',
    pod: {
      phase: 'Running',
      containers: ['job', 'app'],
      statuses: [cs('job', { terminated: 'Completed' }), running('app')],
      conditions: { Ready: 'True' },
    },
    status: 'Running',
    ready: '1/2',
  },
  {
    name: 'Completed with a running container but no Ready condition: NotReady',
    pod: {
      phase: 'Running',
      containers: ['job', 'app'],
      statuses: [cs('job', { terminated: 'Completed' }), running('app')],
      conditions: { Ready: 'False' },
    },
    status: 'NotReady',
  },
  {
    name: 'Completed with another container that failed: the error reason',
    pod: {
      phase: 'Failed',
      containers: ['job', 'side'],
      statuses: [cs('job', { terminated: 'Completed' }), cs('side', { terminated: 'Error', exitCode: 1 })],
    },
    status: 'Error',
  },
  {
    name: 'Completed with a failed container without reason: ExitCode:N',
    pod: {
      phase: 'Failed',
      containers: ['job', 'side'],
      statuses: [cs('job', { terminated: 'Completed' }), cs('side', { terminated: null, exitCode: 4 })],
    },
    status: 'ExitCode:4',
  },
  {
    name: 'the first container decides (containers are walked last to first)',
    pod: {
      phase: 'Pending',
      containers: ['a', 'b'],
      statuses: [cs('a', { waiting: 'ImagePullBackOff' }), cs('b', { waiting: 'ContainerCreating' })],
    },
    status: 'ImagePullBackOff',
    ready: '0/2',
  },
  {
    name: 'init container waiting for PodInitializing: Init:i/n',
    pod: {
      init: ['i1', 'i2'],
      initStatuses: [cs('i1', { waiting: 'PodInitializing' }), cs('i2', { waiting: 'PodInitializing' })],
      statuses: [cs('app', { waiting: 'PodInitializing' })],
    },
    status: 'Init:0/2',
  },
  {
    name: 'first init container done, second running: Init:1/2',
    pod: {
      init: ['i1', 'i2'],
      initStatuses: [cs('i1', { terminated: 'Completed' }), cs('i2', { running: at(1) })],
    },
    status: 'Init:1/2',
  },
  {
    name: 'init container failed with a reason: Init:<reason>, init restarts counted',
    pod: {
      init: ['i1'],
      initStatuses: [cs('i1', { terminated: 'Error', exitCode: 1 }, { restarts: 2 })],
      statuses: [cs('app', { waiting: 'PodInitializing' })],
    },
    status: 'Init:Error',
    restarts: 2,
  },
  {
    name: 'init container killed by a signal: Init:Signal:N',
    pod: { init: ['i1'], initStatuses: [cs('i1', { terminated: null, exitCode: 137, signal: 9 })] },
    status: 'Init:Signal:9',
  },
  {
    name: 'init container exited without reason: Init:ExitCode:N',
    pod: { init: ['i1'], initStatuses: [cs('i1', { terminated: null, exitCode: 2 })] },
    status: 'Init:ExitCode:2',
  },
  {
    name: 'init container waiting reason: Init:CrashLoopBackOff',
    pod: { init: ['i1'], initStatuses: [cs('i1', { waiting: 'CrashLoopBackOff' }, { restarts: 4 })] },
    status: 'Init:CrashLoopBackOff',
    restarts: 4,
  },
  {
    name: 'sidecar started and ready counts in READY; regular containers decide STATUS',
    pod: {
      phase: 'Running',
      init: ['proxy'],
      sidecars: ['proxy'],
      initStatuses: [
        running('proxy', {
          ready: true,
          started: true,
          restarts: 1,
          last: { terminated: 'Error', exitCode: 1, finishedAt: at(2) },
        }),
      ],
      statuses: [running('app')],
      conditions: { Initialized: 'True', Ready: 'True' },
    },
    status: 'Running',
    ready: '2/2',
    restarts: 1,
    lastRestartAt: at(2),
  },
  {
    name: 'sidecar not started yet: Init:0/1, READY counts it in the total',
    pod: {
      init: ['proxy'],
      sidecars: ['proxy'],
      initStatuses: [running('proxy', { ready: false, started: false })],
      statuses: [cs('app', { waiting: 'PodInitializing' })],
    },
    status: 'Init:0/1',
    ready: '0/2',
  },
  {
    name: 'plain init restarts are dropped once the pod is initialized',
    pod: {
      phase: 'Running',
      init: ['i1'],
      initStatuses: [
        cs('i1', { terminated: 'Completed' }, { restarts: 2, last: { terminated: 'Error', exitCode: 1 } }),
      ],
      statuses: [
        running('app', { ready: true, restarts: 1, last: { terminated: 'Error', exitCode: 1, finishedAt: at(7) } }),
      ],
      conditions: { Initialized: 'True', Ready: 'True' },
    },
    status: 'Running',
    restarts: 1,
    lastRestartAt: at(7),
  },
  {
    name: 'init failing but the Initialized condition is True: containers counted, a running one keeps Init:<reason>',
    pod: {
      phase: 'Running',
      init: ['i1'],
      initStatuses: [cs('i1', { terminated: 'Error', exitCode: 1 }, { restarts: 5 })],
      statuses: [running('app')],
      conditions: { Initialized: 'True', Ready: 'True' },
    },
    status: 'Init:Error',
    ready: '1/1',
    restarts: 0,
  },
  {
    name: 'deletionTimestamp on a running pod: Terminating',
    pod: { phase: 'Running', statuses: [running()], deletionTimestamp: at(9) },
    status: 'Terminating',
  },
  {
    name: 'deletionTimestamp on a terminal pod keeps its status',
    pod: { phase: 'Succeeded', statuses: [cs('app', { terminated: 'Completed' })], deletionTimestamp: at(9) },
    status: 'Completed',
  },
  {
    name: 'deletionTimestamp and reason NodeLost: Unknown',
    pod: { phase: 'Running', reason: 'NodeLost', statuses: [running()], deletionTimestamp: at(9) },
    status: 'Unknown',
  },
  {
    name: 'the latest restart of several containers',
    pod: {
      phase: 'Running',
      containers: ['a', 'b'],
      statuses: [
        running('a', { ready: true, restarts: 1, last: { terminated: 'Error', exitCode: 1, finishedAt: at(3) } }),
        running('b', { ready: true, restarts: 2, last: { terminated: 'OOMKilled', exitCode: 137, finishedAt: at(8) } }),
      ],
      conditions: { Ready: 'True' },
    },
    status: 'Running',
    ready: '2/2',
    restarts: 3,
    lastRestartAt: at(8),
  },
];

for (const row of rows) {
  test(`STATUS: ${row.name}`, () => {
    const got = podColumns(pod(row.pod));
    assert.equal(got.status, row.status);
    if (row.ready !== undefined) assert.equal(got.ready, row.ready);
    if (row.restarts !== undefined) assert.equal(got.restarts, row.restarts);
    if (row.lastRestartAt !== undefined) assert.equal(got.lastRestartAt, row.lastRestartAt);
  });
}

test('READINESS GATES: passed/total, null without gates', () => {
  assert.equal(readinessGates(pod()), null);
  const p = pod({ readinessGates: ['a.example/one', 'a.example/two'], conditions: { 'a.example/one': 'True' } });
  assert.equal(readinessGates(p), '1/2');
});
