// applyObjects / deleteObjects / waitGone against a real kube-apiserver (the simulated cluster).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type SimCluster, startSim } from '@kubeblink/test/support/sim';
import type { KubernetesObject } from '@kubernetes/client-node';
import { applyObjects, deleteObjects, loadKubeConfig, waitGone } from '../src/index.ts';

const sim = await startSim({ nodes: 1 });
const skip = typeof sim === 'string' ? sim : false;

const objs: KubernetesObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-pkg-test' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } } as KubernetesObject,
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app' } },
];

describe('@kubeblink/kube on the simulated cluster', { skip }, () => {
  const cluster = sim as SimCluster;
  after(() => cluster.stop());

  it('applies in order (namespace filled in), re-applies idempotently, deletes and waits until gone', async () => {
    const kc = loadKubeConfig({ kubeconfig: cluster.kubeconfig });
    const made = await applyObjects(kc, objs, { namespace: 'kube-pkg-test' });
    assert.deepEqual(
      made.map((o) => [o.kind, o.metadata?.namespace, o.metadata?.name]),
      [
        ['Namespace', undefined, 'kube-pkg-test'],
        ['ConfigMap', 'kube-pkg-test', 'settings'],
        ['ServiceAccount', 'kube-pkg-test', 'app'],
      ],
    );
    const cm = { ...objs[1], data: { a: '2' } } as KubernetesObject;
    const [again] = await applyObjects(kc, [cm], { namespace: 'kube-pkg-test' });
    assert.deepEqual((again as { data?: unknown }).data, { a: '2' });
    const cmRead = await cluster.kube.must('GET', '/api/v1/namespaces/kube-pkg-test/configmaps/settings');
    assert.equal(cmRead.json().data.a, '2');

    await deleteObjects(kc, objs, { namespace: 'kube-pkg-test' });
    await waitGone(kc, objs, { namespace: 'kube-pkg-test', timeoutMs: 120_000 });
    assert.equal((await cluster.kube.request('GET', '/api/v1/namespaces/kube-pkg-test')).status, 404);
    await deleteObjects(kc, objs, { namespace: 'kube-pkg-test' }); // already gone: fine
  });

  it('names the object and the API message when an apply is refused', async () => {
    const kc = loadKubeConfig({ kubeconfig: cluster.kubeconfig });
    await assert.rejects(
      applyObjects(kc, [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'odd', namespace: 'default' },
          data: { 'bad key!': 'x' },
        } as KubernetesObject,
      ]),
      /applying ConfigMap\/odd: HTTP 422: .*bad key!/,
    );
  });
});
