// Unit tests of the node and KWOK configuration (no cluster, no binaries).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { timingFor } from '../src/control-plane.ts';
import { kwokConfig, nodeManifest, nodeSpecs, RUNNER_LABEL } from '../src/nodes.ts';

// biome-ignore lint/suspicious/noExplicitAny: manifests are plain JSON
type Obj = any;

test('default nodes are the demo cluster: a tainted Pi 4 control plane and two Pi 3 workers', () => {
  const specs = nodeSpecs(2);
  assert.deepEqual(
    specs.map((n) => n.name),
    ['pi4-master', 'pi3-worker-1', 'pi3-worker-2'],
  );
  const master: Obj = nodeManifest(specs[0] as (typeof specs)[0], 'v1.36.5', 10250);
  assert.deepEqual(master.spec.taints, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
  assert.equal(master.metadata.labels['node-role.kubernetes.io/control-plane'], '');
  assert.equal(master.status.capacity.memory, '4Gi');
  const worker: Obj = nodeManifest(specs[1] as (typeof specs)[0], 'v1.36.5', 10250);
  assert.deepEqual(worker.spec, {});
  assert.equal(worker.status.capacity.memory, '1Gi');
  assert.equal(worker.metadata.labels['kubernetes.io/arch'], 'arm64');
  assert.equal(worker.metadata.annotations['kwok.x-k8s.io/node'], 'fake');
  assert.equal(worker.status.daemonEndpoints.kubeletEndpoint.Port, 10250);
  assert.equal(nodeSpecs(1000).length, 1001);
});

test('every KWOK pod stage skips runner pods; node stages and metrics are untouched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kwok-stages-'));
  try {
    const stage = (name: string, kind: string) =>
      `kind: Stage\nmetadata:\n  name: ${name}\nspec:\n  resourceRef:\n    kind: ${kind}\n  selector:\n    matchExpressions:\n    - key: '.status.phase'\n      operator: 'In'\n`;
    for (const n of ['node-initialize', 'node-heartbeat-with-lease'])
      writeFileSync(join(dir, `${n}.yaml`), stage(n, 'Node'));
    for (const n of ['pod-ready', 'pod-complete', 'pod-delete']) writeFileSync(join(dir, `${n}.yaml`), stage(n, 'Pod'));
    for (const n of ['metrics-resource', 'usage-from-annotation'])
      writeFileSync(join(dir, `${n}.yaml`), `kind: X\nmetadata:\n  name: ${n}\n`);

    const docs = kwokConfig(dir, true).split('\n---\n');
    assert.equal(docs.length, 7);
    const term = `- key: '.metadata.labels["${RUNNER_LABEL}"]'\n      operator: 'DoesNotExist'`;
    for (const d of docs) assert.equal(d.includes(term), d.includes('kind: Pod'), d);
    assert.equal(kwokConfig(dir, false).split('\n---\n').length, 5, 'no metrics configs without metrics');

    writeFileSync(join(dir, 'pod-delete.yaml'), 'kind: Stage\nspec: {}\n');
    assert.throws(() => kwokConfig(dir, true), /unexpected layout/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('small clusters notice a dead node in seconds, large ones keep kubelet-paced leases', () => {
  assert.deepEqual(timingFor(3), { leaseSeconds: 16, gracePeriod: '16s' });
  assert.equal(timingFor(1001).leaseSeconds, 40);
});
