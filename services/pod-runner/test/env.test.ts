import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { ContainerConfigError, containerEnv, expand, fieldRef, noEnvSources, quantity } from '../src/env.ts';

const pod: V1Pod = {
  metadata: { name: 'web-1', namespace: 'demo', uid: 'u-1', labels: { app: 'web' }, annotations: { team: 'blue' } },
  spec: {
    nodeName: 'pi3-worker-1',
    serviceAccountName: 'web',
    containers: [
      { name: 'app', image: 'kubeblink/demo-app:v1', resources: { limits: { cpu: '500m', memory: '128Mi' } } },
    ],
  },
  status: { podIP: '10.246.0.7', hostIP: '127.0.0.1', podIPs: [{ ip: '10.246.0.7' }] },
};
const app = pod.spec?.containers[0] as NonNullable<V1Pod['spec']>['containers'][0];

describe('container environment (the downward API and friends)', () => {
  it('resolves fieldRefs as the kubelet does', () => {
    assert.equal(fieldRef(pod, 'metadata.name'), 'web-1');
    assert.equal(fieldRef(pod, 'metadata.namespace'), 'demo');
    assert.equal(fieldRef(pod, 'spec.nodeName'), 'pi3-worker-1');
    assert.equal(fieldRef(pod, 'status.podIP'), '10.246.0.7');
    assert.equal(fieldRef(pod, "metadata.labels['app']"), 'web');
    assert.equal(fieldRef(pod, "metadata.annotations['team']"), 'blue');
    assert.throws(() => fieldRef(pod, 'spec.bogus'), ContainerConfigError);
  });

  it('builds env in order: values with $(VAR) expansion, fieldRefs, resourceFieldRefs, ConfigMaps and Secrets', async () => {
    const env = await containerEnv(
      pod,
      {
        ...app,
        envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
        env: [
          { name: 'KUBEBLINK_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'GREETING', value: 'hi $(KUBEBLINK_POD) $$(KEEP) $(MISSING)' },
          { name: 'CPU_MILLIS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
          { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'password' } } },
          { name: 'OPTIONAL', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope', optional: true } } },
        ],
      },
      {
        configMap: async (n) => (n === 'cfg' ? { mode: 'fast' } : undefined),
        secret: async (n) => (n === 's' ? { password: 'pw' } : undefined),
      },
    );
    assert.deepEqual(Object.fromEntries(env), {
      CFG_mode: 'fast',
      KUBEBLINK_POD: 'web-1',
      GREETING: 'hi web-1 $(KEEP) $(MISSING)',
      CPU_MILLIS: '500',
      MEM_MI: '128',
      SECRET: 'pw',
    });
  });

  it('is a CreateContainerConfigError when a required ConfigMap key is missing', async () => {
    await assert.rejects(
      containerEnv(
        pod,
        { ...app, env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'none', key: 'k' } } }] },
        noEnvSources,
      ),
      (err: Error) => err instanceof ContainerConfigError && err.message === 'configmap "none" not found',
    );
  });

  it('reads quantities and expands references', () => {
    assert.equal(quantity('250m'), 0.25);
    assert.equal(quantity('1Gi'), 1024 ** 3);
    assert.equal(quantity('bad'), undefined);
    assert.equal(expand('$(A)-$(B)', new Map([['A', '1']])), '1-$(B)');
  });
});
