// The demo manifests as the cluster test cannot see them all (the load generator never runs on the
// sim) and as a real cluster needs them: one namespace per demo, known to the broker's ServiceAccount
// mapping; pods that reach the broker, log in with a bound token, tolerate a lost node briefly and
// fit Pod Security "restricted".
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { BrokerUsers } from '@kubeblink/schemas';
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { demoNamespace } from '../src/demo.ts';
import { demoObjects } from '../src/demo-manifests.ts';
import { DEMOS } from '../src/demos/index.ts';

type Templated = { kind?: string; metadata?: { name?: string }; spec?: { template?: V1PodTemplateSpec } };

const templates = (name: string, registry?: string) =>
  (demoObjects(name, registry) as Templated[]).filter((o) => o.spec?.template);

describe('deploy/demos', () => {
  const users = parse(
    readFileSync(new URL('../../../deploy/base/broker-users.yaml', import.meta.url), 'utf8'),
  ) as BrokerUsers;

  for (const demo of DEMOS) {
    it(`${demo.name}: its own namespace first, mapped to role app by the broker`, () => {
      const objs = demoObjects(demo.name);
      const ns = demoNamespace(demo.name);
      assert.deepEqual([objs[0]?.kind, objs[0]?.metadata?.name], ['Namespace', ns]);
      assert.equal(objs[0]?.metadata?.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
      for (const o of objs.slice(1)) assert.equal(o.metadata?.namespace, ns, `${o.kind}/${o.metadata?.name}`);
      assert.ok(users.serviceAccounts?.some((s) => s.namespace === ns && s.name === '*' && s.role === 'app'));
    });

    it(`${demo.name}: app pods reach the broker with a bound token, leave a lost node after 5 s, run restricted`, () => {
      for (const o of templates(demo.name)) {
        const t = o.spec?.template as V1PodTemplateSpec;
        const spec = t.spec;
        const c = spec?.containers[0];
        const sc = spec?.securityContext;
        assert.equal(sc?.runAsNonRoot, true);
        assert.equal(sc?.seccompProfile?.type, 'RuntimeDefault');
        assert.equal(c?.securityContext?.allowPrivilegeEscalation, false);
        assert.deepEqual(c?.securityContext?.capabilities?.drop, ['ALL']);
        if (o.metadata?.name === 'load-generator') {
          assert.equal(t.metadata?.labels?.['kubeblink.io/runner'], undefined, 'never run by the pod runner');
          assert.equal(c?.args?.[0], 'load');
          continue;
        }
        assert.equal(t.metadata?.labels?.['kubeblink.io/runner'], 'true');
        assert.equal(t.metadata?.labels?.['kubeblink.io/app'], 'true', 'deploy/base/networkpolicy.yaml lets these in');
        assert.equal(c?.args?.[0], 'demo-app');
        const token = spec?.volumes?.find((v) => v.name === 'mqtt-token')?.projected?.sources?.[0]?.serviceAccountToken;
        assert.equal(token?.audience, 'kubeblink');
        const env = Object.fromEntries(
          (c?.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom?.fieldRef?.fieldPath]),
        );
        assert.equal(env.KUBEBLINK_PASSWORD_FILE, `/var/run/secrets/kubeblink/mqtt/${token?.path}`);
        assert.equal(env.KUBEBLINK_BROKER, 'mqtt://kubeblink-broker.kubeblink.svc:1883');
        assert.equal(env.KUBEBLINK_POD, 'metadata.name');
        for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
          const tol = spec?.tolerations?.find((x) => x.key === key);
          assert.equal(tol?.effect, 'NoExecute');
          assert.equal(tol?.tolerationSeconds, 5);
        }
        for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const)
          assert.ok((c?.[probe]?.periodSeconds ?? 10) <= 2, probe);
      }
    });
  }

  it('--registry moves only the kubeblink images', () => {
    const images = templates('hpa', 'registry.lan:5000/you').map((o) => o.spec?.template?.spec?.containers[0]?.image);
    assert.deepEqual(images, [
      'registry.lan:5000/you/kubeblink/demo-app:v1',
      'registry.lan:5000/you/kubeblink/demo-app:v1',
    ]);
  });
});
