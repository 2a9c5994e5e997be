// Cluster test: every overlay applied for real to the simulated cluster (a real kube-apiserver with
// Pod Security Admission, RBAC and the scheduler; KWOK plays the kubelets). Checks that every
// object is created, that PSA enforces "restricted" where it should, that each pod lands on the
// nodes the Pi install means, and what the ServiceAccounts may do (`kubectl auth can-i`).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type SimCluster, startSim } from '@kubeblink/test/support/sim';
import { until } from '@kubeblink/test/support/wait';
import { kubectl, type OverlayName, parseObjects, renderYaml } from './manifests.ts';

const sim = await startSim();
const LED_NODES = ['pi3-worker-1', 'pi4-master'];
const WAIT_MS = 240_000; // generous: the machine is shared; never a timing assertion

// biome-ignore lint/suspicious/noExplicitAny: API JSON
type Obj = any;

describe('deploy/ on the simulated cluster', {
  skip: typeof sim === 'string' ? sim : false,
}, () => {
  const state = sim as SimCluster;
  const k = (args: string[], input?: string) => kubectl(args, { kubeconfig: state.kubeconfig, input });
  const json = (args: string[], input?: string): Obj => JSON.parse(k([...args, '-o', 'json'], input));
  const pods = (ns: string, name: string): Obj[] =>
    json(['get', 'pods', '-n', ns, '-l', `app.kubernetes.io/name=${name}`]).items;
  const placed = (ns: string, name: string) =>
    pods(ns, name)
      .filter((p) => p.spec.nodeName && !p.metadata.deletionTimestamp)
      .map((p) => p.spec.nodeName)
      .sort();
  const canI = (sa: string, ...args: string[]) => {
    try {
      return k(['auth', 'can-i', ...args, `--as=system:serviceaccount:kubeblink:${sa}`]).trim();
    } catch (err) {
      // can-i exits 1 when the answer is no, printing "no".
      return String((err as { stdout?: string }).stdout ?? err).trim();
    }
  };

  /** Applies an overlay and checks that every rendered object now exists on the server. */
  function applyOverlay(overlay: OverlayName): Obj[] {
    const yaml = renderYaml(overlay);
    k(['apply', '-f', '-'], yaml);
    const listed: Obj[] = json(['get', '-f', '-'], yaml).items;
    const want = parseObjects(yaml);
    assert.deepEqual(
      listed.map((o) => `${o.kind}/${o.metadata.name}`),
      want.map((o) => `${o.kind}/${o.metadata.name}`),
      'every rendered object is on the server',
    );
    for (const o of listed) assert.ok(o.metadata.uid, `${o.kind}/${o.metadata.name} created`);
    return listed;
  }

  before(async () => {
    process.env.KUBECTL = state.kubectl; // the cluster's own pinned kubectl, for rendering too
    for (const n of LED_NODES) k(['label', 'node', n, 'kubeblink.io/leds=true', '--overwrite']);
  });
  after(async () => {
    await state.stop();
  });

  test('overlays/sim: every object created, pods admitted under "restricted" and placed', async () => {
    applyOverlay('sim');
    const ns = json(['get', 'namespace', 'kubeblink']);
    assert.equal(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
    // Pods exist only if PSA admitted them: a rejected template leaves its controller with FailedCreate.
    await until(() => placed('kubeblink', 'kubeblink-broker').join() === 'pi4-master', 'broker on pi4-master', WAIT_MS);
    await until(
      () => placed('kubeblink', 'kubeblink-watcher').join() === 'pi4-master',
      'watcher on pi4-master',
      WAIT_MS,
    );
    await until(
      () => placed('kubeblink', 'kubeblink-led').join() === LED_NODES.join(),
      'LEDs on labelled nodes',
      WAIT_MS,
    );
    const led = pods('kubeblink', 'kubeblink-led')[0];
    const env = Object.fromEntries(led.spec.containers[0].env.map((e: Obj) => [e.name, e]));
    assert.equal(env.KUBEBLINK_NODE.valueFrom.fieldRef.fieldPath, 'spec.nodeName');
  });

  test('Pod Security Admission refuses a privileged pod in namespace kubeblink', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'psa-probe', namespace: 'kubeblink' },
      spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] },
    };
    assert.throws(
      () => k(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(pod)),
      (err: { stderr?: string }) => /violates PodSecurity "restricted:latest".*privileged/s.test(err.stderr ?? ''),
    );
  });

  test('the watcher may get, list and watch pods and nodes, and nothing more', () => {
    for (const verb of ['get', 'list', 'watch']) {
      assert.equal(canI('kubeblink-watcher', verb, 'pods', '--all-namespaces'), 'yes', `${verb} pods`);
      assert.equal(canI('kubeblink-watcher', verb, 'nodes'), 'yes', `${verb} nodes`);
    }
    assert.equal(canI('kubeblink-watcher', 'get', 'secrets', '-n', 'kubeblink'), 'no');
    assert.equal(canI('kubeblink-watcher', 'list', 'secrets', '--all-namespaces'), 'no');
    assert.equal(canI('kubeblink-watcher', 'delete', 'pods', '--all-namespaces'), 'no');
    assert.equal(canI('kubeblink-watcher', 'create', 'pods', '-n', 'default'), 'no');
    assert.equal(canI('kubeblink-watcher', 'patch', 'nodes'), 'no');
  });

  test("the broker may review tokens, and a watcher pod's bound token passes its review", () => {
    assert.equal(canI('kubeblink-broker', 'create', 'tokenreviews.authentication.k8s.io'), 'yes');
    assert.equal(canI('kubeblink-broker', 'get', 'secrets', '-n', 'kubeblink'), 'no');
    assert.equal(canI('kubeblink-led', 'list', 'pods', '--all-namespaces'), 'no');
    // What the broker does for each MQTT login: review the pod's projected token (audience kubeblink).
    const pod = pods('kubeblink', 'kubeblink-watcher')[0];
    const token = k([
      'create',
      'token',
      'kubeblink-watcher',
      '-n',
      'kubeblink',
      '--audience=kubeblink',
      '--bound-object-kind=Pod',
      `--bound-object-name=${pod.metadata.name}`,
      `--bound-object-uid=${pod.metadata.uid}`,
    ]).trim();
    const review = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token, audiences: ['kubeblink'] },
    };
    const status = json(
      // No client-side validation: it would read the OpenAPI schema, which the broker may not.
      ['create', '--validate=false', '-f', '-', '--as=system:serviceaccount:kubeblink:kubeblink-broker'],
      JSON.stringify(review),
    ).status;
    assert.equal(status.authenticated, true, status.error);
    assert.equal(status.user.username, 'system:serviceaccount:kubeblink:kubeblink-watcher');
    assert.deepEqual(status.user.extra['authentication.kubernetes.io/pod-name'], [pod.metadata.name]);
  });

  test('deploy/ (Pi): the device plugin is admitted in its own namespace; LEDs go where a gpiochip is advertised', async () => {
    // What the device plugin reports on a Pi with a GPIO chip (KWOK runs no device plugin). Set
    // first: a DaemonSet rollout waits for each updated pod, and one that cannot be placed stops it.
    const gpio = { 'kubeblink.io/gpiochip': '1' };
    for (const node of LED_NODES) {
      const patch = JSON.stringify({ status: { capacity: gpio, allocatable: gpio } });
      k(['patch', 'node', node, '--subresource=status', '--type=merge', '-p', patch]);
    }
    applyOverlay('pi');
    await until(
      () => placed('kubeblink-devices', 'kubeblink-gpio-device-plugin').join() === LED_NODES.join(),
      'device plugin pods on the labelled nodes',
      WAIT_MS,
    );
    const withDevice = () =>
      pods('kubeblink', 'kubeblink-led').filter(
        (p) =>
          !p.metadata.deletionTimestamp && p.spec.containers[0].resources.limits?.['kubeblink.io/gpiochip'] === '1',
      );
    await until(
      () =>
        withDevice()
          .filter((p) => p.spec.nodeName)
          .map((p) => p.spec.nodeName)
          .sort()
          .join() === LED_NODES.join(),
      'gpiochip LED pods on the labelled nodes',
      WAIT_MS,
    );
    // A labelled node without a chip gets an LED pod that cannot be placed, and the scheduler says why.
    k(['label', 'node', 'pi3-worker-2', 'kubeblink.io/leds=true']);
    await until(
      () => {
        const events: Obj[] = json([
          'get',
          'events',
          '-n',
          'kubeblink',
          '--field-selector=reason=FailedScheduling',
        ]).items;
        return events.some((e) => /Insufficient kubeblink\.io\/gpiochip/.test(e.message));
      },
      'FailedScheduling for lack of a gpiochip',
      WAIT_MS,
    );
    assert.equal(withDevice().filter((p) => !p.spec.nodeName).length, 1, 'one LED pod waits for a chip');
    k(['label', 'node', 'pi3-worker-2', 'kubeblink.io/leds-']);
  });

  test('overlays/raspi: the namespace drops to "privileged" and the privileged LED pods are admitted', async () => {
    applyOverlay('raspi');
    const ns = json(['get', 'namespace', 'kubeblink']);
    assert.equal(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'privileged');
    assert.equal(ns.metadata.labels['pod-security.kubernetes.io/warn'], 'restricted');
    await until(
      () => {
        const live = pods('kubeblink', 'kubeblink-led').filter((p) => !p.metadata.deletionTimestamp && p.spec.nodeName);
        const privileged = live.filter((p) => p.spec.containers[0].securityContext.privileged === true);
        return (
          privileged
            .map((p) => p.spec.nodeName)
            .sort()
            .join() === LED_NODES.join()
        );
      },
      'privileged LED pods on both labelled nodes',
      WAIT_MS,
    );
  });
});
