// kubectl's columns from the retained states: AGE as k8s.io/apimachinery duration.HumanDuration
// prints it, RESTARTS with "(… ago)", <none> where kubectl prints it, the control plane first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeState, podState } from '@kubeblink/test/support/cluster-fixtures';
import { humanDuration, nodeBadge, nodeOrder, nodeRow, podRow } from '../web/kubectl-columns.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('kubectl columns', () => {
  it('HumanDuration at its boundaries', () => {
    const cases: [number, string][] = [
      [-5 * s, '<invalid>'],
      [-0.5 * s, '0s'],
      [119 * s, '119s'],
      [2 * m, '2m'],
      [3 * m + 20 * s, '3m20s'],
      [10 * m, '10m'],
      [179 * m, '179m'],
      [3 * h + 20 * m, '3h20m'],
      [8 * h, '8h'],
      [47 * h, '47h'],
      [3 * d + 5 * h, '3d5h'],
      [8 * d, '8d'],
      [730 * d + 10 * d, '2y10d'],
      [9 * 365 * d, '9y'],
    ];
    assert.deepEqual(
      cases.map(([ms]) => humanDuration(ms)),
      cases.map(([, out]) => out),
    );
  });

  it('a pod row: RESTARTS with its last restart, <none> for what is not set', () => {
    const now = Date.parse('2026-11-29T06:10:00Z');
    const p = podState('default', 'web-1', null, {
      createdAt: '2026-11-29T06:00:00Z',
      restarts: 3,
      lastRestartAt: '2026-11-29T06:08:00Z',
    });
    assert.deepEqual(podRow(p, now), [
      'web-1',
      '0/1',
      'Pending',
      '3 (2m ago)',
      '10m',
      '<none>',
      '<none>',
      '<none>',
      '<none>',
    ]);
    const n = nodeState('pi4-master', {
      roles: ['control-plane'],
      kubeletVersion: 'v1.34.1',
      createdAt: '2026-11-29T06:00:00Z',
    });
    assert.deepEqual(nodeRow(n, now), ['pi4-master', 'Ready', 'control-plane', '10m', 'v1.34.1']);
  });

  it('the control plane first; badges for unreachable, NotReady and cordoned', () => {
    const cp = nodeState('z-master', { roles: ['control-plane'] });
    const w = nodeState('a-worker');
    assert.ok(nodeOrder(cp, w, cp.name, w.name) < 0);
    assert.equal(nodeBadge(nodeState('n', { ready: 'Unknown', status: 'NotReady' })).text, 'unreachable');
    assert.equal(nodeBadge(nodeState('n', { ready: 'False', status: 'NotReady' })).text, 'NotReady');
    assert.equal(nodeBadge(nodeState('n', { unschedulable: true })).text, 'Ready · cordoned');
    assert.equal(nodeBadge(w).text, 'Ready');
  });
});
