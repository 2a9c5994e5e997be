// PodState / NodeState derivation: kubectl's node STATUS and ROLES, and the compact states validate
// against their schemas.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateMessage } from '@kubeblink/schemas';
import { deriveNode, nodeRoles, nodeStatus } from '../src/derive/node-state.ts';
import { derivePod } from '../src/derive/pod-state.ts';
import { at, cs, node, pod } from './fixtures.ts';

const nodeRows: [string, Parameters<typeof node>[0], string][] = [
  ['Ready', { ready: 'True' }, 'Ready'],
  ['Ready False: NotReady', { ready: 'False' }, 'NotReady'],
  ['Ready Unknown: NotReady (printNode: anything but True)', { ready: 'Unknown' }, 'NotReady'],
  ['no Ready condition: Unknown', { ready: null }, 'Unknown'],
  ['cordoned', { ready: 'True', unschedulable: true }, 'Ready,SchedulingDisabled'],
  ['cordoned and unreachable', { ready: 'Unknown', unschedulable: true }, 'NotReady,SchedulingDisabled'],
];
for (const [name, opts, want] of nodeRows) {
  test(`node STATUS: ${name}`, () => assert.equal(nodeStatus(node(opts)), want));
}

test('node ROLES: node-role.kubernetes.io/<role> and kubernetes.io/role, sorted, empty ones skipped', () => {
  assert.deepEqual(
    nodeRoles({
      'node-role.kubernetes.io/worker': '',
      'node-role.kubernetes.io/control-plane': '',
      'node-role.kubernetes.io/': '',
      'kubernetes.io/role': 'edge',
    }),
    ['control-plane', 'edge', 'worker'],
  );
  assert.deepEqual(nodeRoles({ 'kubernetes.io/role': '' }), []);
});

test('NodeState: every wide column, valid against node-state.schema.json', () => {
  const r = deriveNode(
    node({ ready: 'False', reason: 'KubeletNotReady', labels: { 'node-role.kubernetes.io/worker': '' } }),
  );
  assert.equal(r.state.status, 'NotReady');
  assert.equal(r.state.ready, 'False');
  assert.deepEqual(r.state.roles, ['worker']);
  assert.equal(r.state.internalIP, '10.0.0.2');
  assert.equal(r.state.externalIP, null);
  assert.equal(r.state.architecture, 'arm64');
  assert.deepEqual(r.state.capacity, { cpu: '4', memory: '1Gi', pods: '110' });
  assert.equal(r.readyReason, 'KubeletNotReady');
  const v = validateMessage('nodeState', r.state);
  assert.ok(v.ok, JSON.stringify(v));
});

test('PodState: containers (init first), owner, images, ip; valid against pod-state.schema.json', () => {
  const r = derivePod(
    pod({
      phase: 'Running',
      node: 'pi3-worker-1',
      ip: '10.244.1.7',
      owner: { kind: 'ReplicaSet', name: 'web-7d9' },
      init: ['setup'],
      initStatuses: [cs('setup', { terminated: 'Completed' })],
      statuses: [
        cs(
          'app',
          { running: at(1) },
          {
            ready: true,
            restarts: 1,
            last: { terminated: 'OOMKilled', exitCode: 137, signal: 9, finishedAt: at(0.5) },
          },
        ),
      ],
      conditions: { Initialized: 'True', Ready: 'True' },
    }),
  );
  const s = r.state;
  assert.equal(s.status, 'Running');
  assert.equal(s.ready, '1/1');
  assert.equal(s.node, 'pi3-worker-1');
  assert.equal(s.ip, '10.244.1.7');
  assert.equal(s.podReady, true);
  assert.deepEqual(s.owner, { kind: 'ReplicaSet', name: 'web-7d9' });
  assert.equal(s.ordinal, null);
  assert.deepEqual(s.images, ['img/app:1']);
  assert.deepEqual(
    s.containers.map((c) => [c.name, c.init, c.state, c.reason, c.exitCode]),
    [
      ['setup', true, 'terminated', 'Completed', 0],
      ['app', false, 'running', null, null],
    ],
  );
  assert.deepEqual(s.containers[1]?.lastTerminated, {
    reason: 'OOMKilled',
    exitCode: 137,
    signal: 9,
    finishedAt: at(0.5),
  });
  const v = validateMessage('podState', s);
  assert.ok(v.ok, JSON.stringify(v));
});

test('PodState: unscheduled pod has node null; StatefulSet ordinal from the pod-index label or the name', () => {
  const p = derivePod(pod({ name: 'db-2', owner: { kind: 'StatefulSet', name: 'db' } })).state;
  assert.equal(p.node, null);
  assert.equal(p.ordinal, 2);
  const labelled = derivePod(
    pod({ name: 'db-x', owner: { kind: 'StatefulSet', name: 'db' }, labels: { 'apps.kubernetes.io/pod-index': '5' } }),
  ).state;
  assert.equal(labelled.ordinal, 5);
  assert.equal(derivePod(pod({ name: 'web-2', owner: { kind: 'ReplicaSet', name: 'web' } })).state.ordinal, null);
  assert.ok(validateMessage('podState', p).ok);
});

test('PodRecord keeps the pod reason and a DisruptionTarget reason for events', () => {
  const r = derivePod(
    pod({ phase: 'Running', conditions: { DisruptionTarget: ['True', 'DeletionByTaintManager'] }, reason: 'NodeLost' }),
  );
  assert.equal(r.reason, 'NodeLost');
  assert.equal(r.disruption, 'DeletionByTaintManager');
});
