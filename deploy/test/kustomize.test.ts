// Every overlay renders with `kubectl kustomize`, and the rendered objects say what docs/design.md and
// issue 8 ask: namespace and Pod Security labels, least-privilege RBAC, probes and Pi-sized
// resources on every container, privilege only where raspi-io needs it, placement, and settings
// that the services really have.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { validateConfig } from '@kubeblink/schemas';
import { parse } from 'yaml';
import { find, type K8sObject, OVERLAYS, type OverlayName, podTemplates, REPO_DIR, render } from './manifests.ts';
import { envName, settingsProperties } from './settings.ts';

const brokerUsersSchema = JSON.parse(
  readFileSync(join(REPO_DIR, 'schemas', 'config', 'broker-users.schema.json'), 'utf8'),
) as { properties: Record<string, unknown> };

const rendered = Object.fromEntries((Object.keys(OVERLAYS) as OverlayName[]).map((o) => [o, render(o)])) as Record<
  OverlayName,
  K8sObject[]
>;

const MiB = 1024 * 1024;
function bytes(q: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(q);
  if (!m) throw new Error(`unexpected quantity ${q}`);
  return Number(m[1]) * ({ Ki: 1024, Mi: MiB, Gi: 1024 * MiB }[m[2] ?? ''] ?? 1);
}

for (const overlay of Object.keys(OVERLAYS) as OverlayName[]) {
  describe(`overlay ${overlay}`, () => {
    const objects = rendered[overlay];

    test('puts every kubeblink object in namespace kubeblink (the device plugin in its own)', () => {
      for (const o of objects) {
        if (['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind)) continue;
        const expected = o.metadata.name === 'kubeblink-gpio-device-plugin' ? 'kubeblink-devices' : 'kubeblink';
        assert.equal(o.metadata.namespace, expected, `${o.kind}/${o.metadata.name}`);
      }
    });

    test('labels the namespace for Pod Security Admission', () => {
      const labels = find(objects, 'Namespace', 'kubeblink').metadata.labels ?? {};
      assert.equal(labels['pod-security.kubernetes.io/enforce'], overlay === 'raspi' ? 'privileged' : 'restricted');
      assert.equal(labels['pod-security.kubernetes.io/warn'], 'restricted');
      assert.equal(labels['pod-security.kubernetes.io/audit'], 'restricted');
    });

    test('gives the watcher only get/list/watch on pods and nodes', () => {
      const role = find(objects, 'ClusterRole', 'kubeblink-watcher');
      assert.deepEqual(role.rules, [
        { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
      ]);
      const binding = find(objects, 'ClusterRoleBinding', 'kubeblink-watcher');
      assert.deepEqual(binding.subjects, [
        { kind: 'ServiceAccount', name: 'kubeblink-watcher', namespace: 'kubeblink' },
      ]);
      assert.equal(
        find(objects, 'Deployment', 'kubeblink-watcher').spec.template.spec.serviceAccountName,
        'kubeblink-watcher',
      );
    });

    test('lets the broker create TokenReviews and nothing else', () => {
      const role = find(objects, 'ClusterRole', 'kubeblink-broker-tokenreview');
      assert.deepEqual(role.rules, [
        { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      ]);
      const binding = find(objects, 'ClusterRoleBinding', 'kubeblink-broker-tokenreview');
      assert.deepEqual(binding.subjects, [
        { kind: 'ServiceAccount', name: 'kubeblink-broker', namespace: 'kubeblink' },
      ]);
    });

    test('has liveness and readiness probes and CPU/memory requests and limits on every container', () => {
      const templates = podTemplates(objects);
      assert.ok(templates.length >= 3);
      for (const { owner, containers } of templates) {
        for (const c of containers) {
          const where = `${owner.kind}/${owner.metadata.name}/${c.name}`;
          assert.ok(c.livenessProbe, `${where} has no livenessProbe`);
          assert.ok(c.readinessProbe, `${where} has no readinessProbe`);
          for (const kind of ['requests', 'limits']) {
            assert.ok(c.resources?.[kind]?.cpu, `${where} has no cpu ${kind}`);
            assert.ok(c.resources?.[kind]?.memory, `${where} has no memory ${kind}`);
          }
        }
      }
    });

    test('fits a Raspberry Pi 3 (1 GB): at most 256 MiB of limits for kubeblink on a worker', () => {
      // Workers run only the DaemonSets; the control-plane Pi (a Pi 4) adds broker and watcher.
      const perWorker = podTemplates(objects)
        .filter((t) => t.owner.kind === 'DaemonSet')
        .flatMap((t) => t.containers)
        .reduce((sum, c) => sum + bytes(c.resources.limits.memory), 0);
      assert.ok(perWorker <= 256 * MiB, `${perWorker / MiB} MiB`);
    });

    test('runs privileged only for raspi-io, and only the LED container', () => {
      const privileged = podTemplates(objects).flatMap((t) =>
        t.containers.filter((c) => c.securityContext?.privileged).map((c) => `${t.owner.metadata.name}/${c.name}`),
      );
      assert.deepEqual(privileged, overlay === 'raspi' ? ['kubeblink-led/led'] : []);
    });

    test('meets the restricted profile in namespace kubeblink (all but the raspi LED)', () => {
      for (const { owner, spec, containers } of podTemplates(objects)) {
        if (owner.metadata.namespace !== 'kubeblink' || (overlay === 'raspi' && owner.kind === 'DaemonSet')) continue;
        assert.equal(spec.securityContext.runAsNonRoot, true, owner.metadata.name);
        assert.equal(spec.securityContext.seccompProfile.type, 'RuntimeDefault');
        assert.ok(!(spec.volumes ?? []).some((v: { hostPath?: unknown }) => v.hostPath), 'no hostPath');
        for (const c of containers) {
          assert.equal(c.securityContext.allowPrivilegeEscalation, false, c.name);
          assert.deepEqual(c.securityContext.capabilities.drop, ['ALL'], c.name);
        }
      }
    });

    test('keeps broker and watcher on the control plane, one watcher at a time', () => {
      for (const name of ['kubeblink-broker', 'kubeblink-watcher']) {
        const d = find(objects, 'Deployment', name);
        assert.equal(d.spec.replicas, 1);
        assert.equal(d.spec.strategy.type, 'Recreate');
        const terms = d.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
        assert.deepEqual(terms.nodeSelectorTerms, [
          { matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] },
        ]);
        assert.ok(
          d.spec.template.spec.tolerations.some(
            (t: { key: string; effect: string }) =>
              t.key === 'node-role.kubernetes.io/control-plane' && t.effect === 'NoSchedule',
          ),
        );
      }
    });

    test('runs the LED service on labelled nodes, control plane included, with its node from the downward API', () => {
      const ds = find(objects, 'DaemonSet', 'kubeblink-led');
      const spec = ds.spec.template.spec;
      assert.deepEqual(spec.nodeSelector, { 'kubeblink.io/leds': 'true' });
      assert.ok(spec.tolerations.some((t: { key: string }) => t.key === 'node-role.kubernetes.io/control-plane'));
      const led = spec.containers[0];
      const env = Object.fromEntries(led.env.map((e: { name: string }) => [e.name, e]));
      assert.deepEqual(env.KUBEBLINK_NODE.valueFrom, { fieldRef: { fieldPath: 'spec.nodeName' } });
      const board = { pi: 'gpiochip', raspi: 'raspi', sim: 'virtual' }[overlay];
      assert.equal(env.KUBEBLINK_BOARD.value, board);
      // The GPIO device comes from the device plugin in the Pi install, and only there.
      assert.equal(led.resources.limits['kubeblink.io/gpiochip'], overlay === 'pi' ? '1' : undefined);
      if (overlay === 'pi') assert.ok(spec.securityContext.supplementalGroups.length === 1, 'the gpio group');
    });

    test('lets only kubeblink pods and labelled apps reach the broker', () => {
      const np = find(objects, 'NetworkPolicy', 'kubeblink-broker');
      const broker = find(objects, 'Deployment', 'kubeblink-broker');
      assert.deepEqual(np.spec.podSelector.matchLabels, broker.spec.selector.matchLabels);
      assert.deepEqual(np.spec.policyTypes, ['Ingress']);
      const [mqtt, http] = np.spec.ingress;
      assert.deepEqual(mqtt.from, [
        { podSelector: {} },
        { namespaceSelector: {}, podSelector: { matchLabels: { 'kubeblink.io/app': 'true' } } },
      ]);
      assert.deepEqual(mqtt.ports, [{ port: 'mqtt' }, { port: 'mqtt-ws' }]);
      assert.deepEqual(http.from, [{ podSelector: {} }]);
      const svc = find(objects, 'Service', 'kubeblink-broker');
      assert.deepEqual(
        svc.spec.ports.map((p: { port: number }) => p.port),
        [1883, 9001, 9102],
      );
      assert.deepEqual(svc.spec.selector, broker.spec.selector.matchLabels);
    });

    test('mounts a users file that is valid, password-free and maps the service accounts', (t) => {
      const broker = find(objects, 'Deployment', 'kubeblink-broker').spec.template.spec;
      const secretName = broker.volumes.find((v: { name: string }) => v.name === 'users').secret.secretName;
      assert.match(secretName, /^kubeblink-broker-users-[a-z0-9]+$/, 'a generated name: pods restart when it changes');
      const secret = find(objects, 'Secret', secretName);
      const file = parse(Buffer.from(secret.data['users.yaml'], 'base64').toString('utf8'));
      // The serviceAccounts mapping arrives with the broker (branch broker); until main has it, the
      // rest of the file is validated and the test says so.
      const hasMapping = 'serviceAccounts' in brokerUsersSchema.properties;
      if (!hasMapping) t.diagnostic('schema brokerUsers has no serviceAccounts yet: validated without it');
      const { serviceAccounts: _, ...withoutMapping } = file;
      const r = validateConfig('brokerUsers', hasMapping ? file : withoutMapping);
      assert.ok(r.ok, r.ok ? '' : r.errors.join('; '));
      assert.deepEqual(file.users, []);
      assert.deepEqual(
        file.serviceAccounts.filter((s: { namespace: string }) => s.namespace === 'kubeblink'),
        [
          { namespace: 'kubeblink', name: 'kubeblink-watcher', role: 'watcher' },
          { namespace: 'kubeblink', name: 'kubeblink-led', role: 'reader' },
        ],
      );
    });

    test('sets only settings the services have (flags and KUBEBLINK_* variables from their schemas)', () => {
      for (const { owner, containers } of podTemplates(objects)) {
        for (const c of containers) {
          const command = c.args?.[0];
          if (!['broker', 'watcher', 'led'].includes(command)) continue;
          const known = settingsProperties(command);
          for (const e of c.env ?? []) {
            if (!e.name.startsWith('KUBEBLINK_')) continue;
            assert.ok(known.has(envName(e.name)), `${owner.metadata.name}: ${e.name} is no ${command} setting`);
          }
          for (const a of c.args.slice(1)) {
            const flag = /^--([a-z-]+)=/.exec(a)?.[1];
            assert.ok(flag, `${a}: flags are written --name=value`);
            assert.ok(known.has(envName(flag)), `${owner.metadata.name}: --${flag} is no ${command} setting`);
          }
        }
      }
    });
  });
}
