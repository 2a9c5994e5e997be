// The pod runner on the simulated cluster: demo-app pods as real processes, driven only through
// the API and the apps' own endpoints, with manifests as a user writes them.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLoad } from '@kubeblink/demo-app/load';
import { MosquittoSub } from '@kubeblink/test/support/mosquitto';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startPodRunner } from '../src/index.ts';
import { ENDPOINT_ANNOTATION } from '../src/service-proxy.ts';
import {
  clusterUnavailable,
  demoContainer,
  deployment,
  isReady,
  pod,
  pods,
  poke,
  type TestCluster,
  testCluster,
} from './cluster.ts';

const alive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const skip = needTool(MOSQUITTO_CLIENTS) || (await clusterUnavailable());

describe('pod runner on the simulated cluster', { timeout: 900_000, skip }, () => {
  let c: TestCluster;
  let ns = '';
  const broker = new PlainBroker();
  const logins: { clientId: string; username?: string; password?: string }[] = [];
  let sub: MosquittoSub;
  const namespace = async (name: string) => {
    await c.core.createNamespace({ body: { metadata: { name } } });
    await until(
      async () => (await c.core.readNamespacedServiceAccount({ name: 'default', namespace: name })).metadata?.name,
      `default ServiceAccount in ${name}`,
      60_000,
      200,
    );
    return name;
  };

  before(async () => {
    await broker.start();
    // Records the credentials each app connects with (the broker's token check is the broker's test).
    (broker.aedes as NonNullable<typeof broker.aedes>).authenticate = (client, username, password, done) => {
      logins.push({ clientId: client.id, username, password: password?.toString('utf8') });
      done(null, true);
    };
    c = await testCluster({ broker: broker.url, cluster: 'sim' });
    ns = await namespace(`runner-${Date.now().toString(36)}`);
    sub = new MosquittoSub(broker.port, [`kubeblink/sim/nodes/+/pods/${ns}/+/signals`]);
  });
  after(async () => {
    sub?.stop();
    await c?.stop();
    await broker.stop();
  });

  it('runs a 2-replica Deployment as 2 Running and Ready processes on the workers, served round-robin by its Service', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', ns, 2, demoContainer()) });
    await c.core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      },
    });
    const ready = await until(
      async () => {
        const ps = await pods(c.core, ns, 'web');
        return ps.length === 2 && ps.every(isReady) ? ps : undefined;
      },
      '2 Running and Ready pods',
      120_000,
      250,
    );
    for (const p of ready) {
      assert.match(p.spec?.nodeName ?? '', /^pi3-worker-\d+$/);
      const s = p.status?.containerStatuses?.[0];
      assert.equal(s?.ready, true);
      assert.equal(s?.started, true);
      assert.equal(s?.restartCount, 0);
      assert.equal(s?.image, 'docker.io/kubeblink/demo-app:v1');
      assert.match(s?.imageID ?? '', /^docker\.io\/kubeblink\/demo-app@sha256:[0-9a-f]{64}$/);
      assert.ok(s?.state?.running?.startedAt);
      assert.ok(p.status?.hostIP);
      assert.ok(p.status?.startTime);
      for (const t of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'])
        assert.equal(p.status?.conditions?.find((x) => x.type === t)?.status, 'True', t);
      // A real process per pod, which knows who it is.
      const [proc] = c.runner.runner.processes(ns, p.metadata?.name ?? '');
      assert.ok(alive(proc?.pid));
      const annotated = await until(
        async () =>
          (await c.core.readNamespacedPod({ name: p.metadata?.name ?? '', namespace: ns })).metadata?.annotations?.[
            ENDPOINT_ANNOTATION
          ],
        'the pod endpoint annotation',
        30_000,
      );
      assert.equal(annotated, `127.0.0.1:${proc?.port}`);
      const version = await (await fetch(`http://127.0.0.1:${proc?.port}/version`)).json();
      assert.deepEqual(
        { pod: version.pod, namespace: version.namespace, node: version.node, version: version.version },
        { pod: p.metadata?.name, namespace: ns, node: p.spec?.nodeName, version: 'v1' },
      );
    }
    assert.notEqual(ready[0]?.status?.podIP, ready[1]?.status?.podIP);
    const svc = await until(
      async () =>
        (await c.core.readNamespacedService({ name: 'web', namespace: ns })).metadata?.annotations?.[
          ENDPOINT_ANNOTATION
        ],
      'the Service endpoint annotation',
      30_000,
    );
    const r = await runLoad({ url: `http://${svc}/`, rps: 20, durationSeconds: 1 });
    assert.equal(r.failed, 0);
    assert.deepEqual(Object.keys(r.pods).sort(), ready.map((p) => p.metadata?.name).sort());
    // Round-robin: both get a fair share.
    for (const n of Object.values(r.pods)) assert.ok(n >= r.ok / 2 - 1, JSON.stringify(r.pods));

    // Each app publishes its request signals on its own pod's topic, under the node it runs on.
    for (const p of ready) {
      const topic = `kubeblink/sim/nodes/${p.spec?.nodeName}/pods/${ns}/${p.metadata?.name}/signals`;
      const m = await sub.waitFor(
        (x) => x.topic === topic && JSON.parse(x.payload).type === 'io.kubeblink.app.request',
        30_000,
      );
      assert.equal(JSON.parse(m.payload).data.pod, p.metadata?.name);
    }
    // ... logged in with a ServiceAccount token bound to its pod, for the kubeblink audience.
    const login = logins.find((l) => l.clientId === `demo-app-${ns}-${ready[0]?.metadata?.name}`);
    assert.equal(login?.username, `system:serviceaccount:${ns}:default`);
    const review = await c.auth.createTokenReview({
      body: { spec: { token: login?.password ?? '', audiences: ['kubeblink'] } },
    });
    assert.equal(review.status?.authenticated, true, review.status?.error);
    assert.equal(review.status?.user?.username, `system:serviceaccount:${ns}:default`);
    assert.deepEqual(review.status?.user?.extra?.['authentication.kubernetes.io/pod-name'], [ready[0]?.metadata?.name]);
    assert.deepEqual(review.status?.user?.extra?.['authentication.kubernetes.io/pod-uid'], [ready[0]?.metadata?.uid]);
  });

  it('refuses to start a second runner on the same cluster', async () => {
    await assert.rejects(
      startPodRunner({
        kubeconfig: c.kubeconfig,
        stateDir: join(tmpdir(), 'kubeblink-second-runner'),
        logLevel: 'silent',
      }),
      (err: Error) =>
        err.name === 'RunnerAlreadyRunning' && /another pod runner \(.+\) plays the kubelet/.test(err.message),
    );
  });

  it('restarts an app that exits with code 3, then backs off: CrashLoopBackOff', async () => {
    const crash = demoContainer({
      env: [
        ...(demoContainer().env ?? []),
        { name: 'KUBEBLINK_EXIT_AFTER_SECONDS', value: '1' },
        { name: 'KUBEBLINK_EXIT_CODE', value: '3' },
      ],
    });
    await c.core.createNamespacedPod({ namespace: ns, body: pod('crash', ns, crash) });
    const read = () => c.core.readNamespacedPod({ name: 'crash', namespace: ns });
    const restarted = await until(
      async () => {
        const s = (await read()).status?.containerStatuses?.[0];
        return (s?.restartCount ?? 0) >= 1 && s?.lastState?.terminated?.exitCode === 3 ? s : undefined;
      },
      'a restart after exit code 3',
      120_000,
      200,
    );
    assert.equal(restarted.lastState?.terminated?.reason, 'Error');
    assert.ok(restarted.lastState?.terminated?.finishedAt);
    assert.ok(restarted.lastState?.terminated?.containerID);
    const looping = await until(
      async () => {
        const p = await read();
        const s = p.status?.containerStatuses?.[0];
        return s?.state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
      },
      'CrashLoopBackOff',
      120_000,
      100,
    );
    const s = looping.status?.containerStatuses?.[0];
    assert.match(s?.state?.waiting?.message ?? '', /^back-off \d+s restarting failed container=app pod=crash_/);
    assert.equal(s?.lastState?.terminated?.exitCode, 3);
    assert.equal(s?.ready, false);
    assert.equal(looping.status?.phase, 'Running');
    assert.equal(looping.status?.conditions?.find((x) => x.type === 'Ready')?.status, 'False');
  });

  it('makes a pod unready when its readiness endpoint fails, ready again when it recovers, and restarts it when liveness fails', async () => {
    await c.core.createNamespacedPod({ namespace: ns, body: pod('probe', ns, demoContainer()) });
    const read = () => c.core.readNamespacedPod({ name: 'probe', namespace: ns });
    await until(async () => isReady(await read()), 'probe pod ready', 120_000, 200);
    const [proc] = c.runner.runner.processes(ns, 'probe');
    assert.equal(await poke(proc?.port ?? 0, '/fault/readiness?fail=true'), 200);
    const unready = await until(
      async () => {
        const p = await read();
        return p.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'False' ? p : undefined;
      },
      'the pod unready',
      60_000,
      100,
    );
    assert.equal(unready.status?.containerStatuses?.[0]?.ready, false);
    assert.equal(unready.status?.phase, 'Running');
    assert.equal(unready.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.equal(await poke(proc?.port ?? 0, '/fault/readiness?fail=false'), 200);
    await until(async () => isReady(await read()), 'ready again', 60_000, 100);

    assert.equal(await poke(proc?.port ?? 0, '/fault/liveness?fail=true'), 200);
    const restarted = await until(
      async () => {
        const s = (await read()).status?.containerStatuses?.[0];
        return s?.restartCount === 1 && s.state?.running ? s : undefined;
      },
      'a restart after failed liveness probes',
      60_000,
      100,
    );
    // The kubelet stops the container with SIGTERM; the demo app shuts down cleanly.
    assert.equal(restarted.lastState?.terminated?.exitCode, 0);
    assert.equal(restarted.lastState?.terminated?.reason, 'Completed');
    assert.equal(alive(proc?.pid), false);
    await until(async () => isReady(await read()), 'the new process ready', 60_000, 100);
    // What `kubectl describe pod` shows, in the kubelet's words.
    const events = await until(
      async () => {
        const list = await c.core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=probe' });
        const seen = list.items.map((e) => `${e.reason}: ${e.message}`);
        return seen.some((e) => e.startsWith('Killing:')) ? seen : undefined;
      },
      'the kubelet events of the pod',
      30_000,
      200,
    );
    for (const e of [
      'Started: Started container app',
      'Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503',
      'Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500',
      'Killing: Container app failed liveness probe, will be restarted',
    ])
      assert.ok(events.includes(e), `${e} in ${JSON.stringify(events)}`);
  });

  it('restarts a container whose image is changed in the pod, running the new version', async () => {
    await c.core.createNamespacedPod({ namespace: ns, body: pod('upgrade', ns, demoContainer()) });
    const read = () => c.core.readNamespacedPod({ name: 'upgrade', namespace: ns });
    await until(async () => isReady(await read()), 'v1 ready', 120_000, 200);
    await c.core.patchNamespacedPod(
      {
        name: 'upgrade',
        namespace: ns,
        body: { spec: { containers: [{ name: 'app', image: 'kubeblink/demo-app:v2' }] } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const p = await until(
      async () => {
        const p = await read();
        const s = p.status?.containerStatuses?.[0];
        return s?.restartCount === 1 && s.image === 'docker.io/kubeblink/demo-app:v2' && isReady(p) ? p : undefined;
      },
      'v2 running and ready',
      120_000,
      200,
    );
    assert.equal(p.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 0);
    const [proc] = c.runner.runner.processes(ns, 'upgrade');
    assert.equal((await (await fetch(`http://127.0.0.1:${proc?.port}/version`)).json()).version, 'v2');
  });

  it('fails an unknown image: ErrImagePull, then ImagePullBackOff', async () => {
    await c.core.createNamespacedPod({
      namespace: ns,
      body: pod('badimage', ns, demoContainer({ image: 'registry.example/kubeblink/no-such-app:v1' })),
    });
    const seen = new Set<string>();
    await until(
      async () => {
        const p = await c.core.readNamespacedPod({ name: 'badimage', namespace: ns });
        const w = p.status?.containerStatuses?.[0]?.state?.waiting;
        if (w?.reason) seen.add(`${w.reason}: ${w.message}`);
        return (
          [...seen].some((s) => s.startsWith('ErrImagePull')) && [...seen].some((s) => s.startsWith('ImagePullBackOff'))
        );
      },
      'ErrImagePull and ImagePullBackOff',
      60_000,
      100,
    );
    const back = [...seen].find((s) => s.startsWith('ImagePullBackOff'));
    assert.equal(back, 'ImagePullBackOff: Back-off pulling image "registry.example/kubeblink/no-such-app:v1"');
    const p = await c.core.readNamespacedPod({ name: 'badimage', namespace: ns });
    assert.equal(p.status?.phase, 'Pending');
    assert.equal(c.runner.runner.processes(ns, 'badimage')[0]?.pid, undefined);
    const events = (await c.core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=badimage' }))
      .items;
    assert.ok(events.some((e) => e.reason === 'Failed' && e.message === 'Error: ErrImagePull' && e.type === 'Warning'));
    assert.ok(events.some((e) => e.reason === 'BackOff' && e.source?.component === 'kubelet'));
  });

  it('stops a deleted pod process with SIGTERM and finishes the delete', async () => {
    await c.core.createNamespacedPod({ namespace: ns, body: pod('gone', ns, demoContainer()) });
    await until(
      async () => isReady(await c.core.readNamespacedPod({ name: 'gone', namespace: ns })),
      'ready',
      120_000,
      200,
    );
    const [proc] = c.runner.runner.processes(ns, 'gone');
    assert.ok(alive(proc?.pid));
    await c.core.deleteNamespacedPod({ name: 'gone', namespace: ns, gracePeriodSeconds: 30 });
    await until(
      async () => !(await c.core.listNamespacedPod({ namespace: ns })).items.some((p) => p.metadata?.name === 'gone'),
      'the pod deleted',
      60_000,
      200,
    );
    assert.equal(alive(proc?.pid), false);
  });

  it('scales a Deployment 1 -> 4 with an HPA under real load, and back down', async (t) => {
    const hpaNs = await namespace(`${ns}-hpa`);
    const app = demoContainer({
      resources: { requests: { cpu: '200m' } },
      env: [...(demoContainer().env ?? []), { name: 'KUBEBLINK_BURN_MS', value: '20' }],
    });
    await c.apps.createNamespacedDeployment({ namespace: hpaNs, body: deployment('hpa', hpaNs, 1, app) });
    await c.core.createNamespacedService({
      namespace: hpaNs,
      body: { metadata: { name: 'hpa' }, spec: { selector: { app: 'hpa' }, ports: [{ port: 80, targetPort: 8080 }] } },
    });
    await c.hpa.createNamespacedHorizontalPodAutoscaler({
      namespace: hpaNs,
      body: {
        metadata: { name: 'hpa' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hpa' },
          minReplicas: 1,
          maxReplicas: 4,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 20 } } },
          ],
          behavior: {
            scaleDown: { stabilizationWindowSeconds: 5, policies: [{ type: 'Percent', value: 100, periodSeconds: 5 }] },
          },
        },
      },
    });
    const endpoint = await until(
      async () =>
        (await c.core.readNamespacedService({ name: 'hpa', namespace: hpaNs })).metadata?.annotations?.[
          ENDPOINT_ANNOTATION
        ],
      'the Service endpoint',
      30_000,
    );
    await until(async () => (await pods(c.core, hpaNs, 'hpa')).some(isReady), 'one ready pod', 120_000, 250);
    const t0 = performance.now();
    const since = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
    const load = new AbortController();
    const loading = runLoad({ url: `http://${endpoint}/`, rps: 15, durationSeconds: 600, signal: load.signal });
    try {
      await until(
        async () =>
          (await c.hpa.readNamespacedHorizontalPodAutoscaler({ name: 'hpa', namespace: hpaNs })).status
            ?.desiredReplicas === 4,
        'the HPA asking for 4 replicas',
        300_000,
        1000,
      );
      await until(
        async () => (await pods(c.core, hpaNs, 'hpa')).filter(isReady).length === 4,
        '4 ready pods',
        180_000,
        500,
      );
    } finally {
      load.abort();
    }
    t.diagnostic(`4 ready pods after ${since()} of load`);
    const r = await loading;
    assert.ok(Object.keys(r.pods).length >= 2, `load reached ${JSON.stringify(r.pods)}`);
    await until(
      async () => (await c.apps.readNamespacedDeployment({ name: 'hpa', namespace: hpaNs })).spec?.replicas === 1,
      'the HPA scaling back to 1',
      300_000,
      1000,
    );
    t.diagnostic(`back to 1 replica ${since()} after the load started`);
  });

  it('replaces the pods of a worker whose heartbeat stopped on the other worker', async () => {
    const before = (await pods(c.core, ns, 'web')).filter(isReady);
    assert.equal(before.length, 2);
    const victim = before[0]?.spec?.nodeName ?? '';
    const onVictim = before.filter((p) => p.spec?.nodeName === victim);
    const pids = onVictim.map((p) => c.runner.runner.processes(ns, p.metadata?.name ?? '')[0]?.pid);
    await c.heartbeat(victim, false);
    try {
      await until(
        async () => {
          const node = await c.core.readNode({ name: victim });
          return node.status?.conditions?.find((x) => x.type === 'Ready')?.status !== 'True';
        },
        `${victim} NotReady`,
        120_000,
        500,
      );
      // A dead node's processes are gone at once.
      for (const pid of pids) assert.equal(alive(pid), false);
      const replaced = await until(
        async () => {
          const ps = (await pods(c.core, ns, 'web')).filter((p) => !p.metadata?.deletionTimestamp && isReady(p));
          return ps.length === 2 && ps.every((p) => p.spec?.nodeName !== victim) ? ps : undefined;
        },
        'both pods Running and Ready on the other worker',
        180_000,
        500,
      );
      assert.ok(replaced.every((p) => /^pi3-worker-\d+$/.test(p.spec?.nodeName ?? '')));
    } finally {
      await c.heartbeat(victim, true);
    }
    // Back alive, the node's kubelet finishes the evicted pods' deletion.
    await until(
      async () => !(await pods(c.core, ns, 'web')).some((p) => p.metadata?.deletionTimestamp),
      'the evicted pods deleted after the node came back',
      120_000,
      500,
    );
  });

  it('brings its pods back after a runner restart, as a kubelet after a node reboot', async () => {
    const before = (await pods(c.core, ns, 'web')).filter(isReady);
    assert.equal(before.length, 2);
    const old = before.map((p) => c.runner.runner.processes(ns, p.metadata?.name ?? '')[0]?.pid);
    await c.restartRunner();
    for (const pid of old) assert.equal(alive(pid), false);
    const back = await until(
      async () => {
        const ps = (await pods(c.core, ns, 'web')).filter(isReady);
        const restarted = ps.filter((p) => {
          const s = p.status?.containerStatuses?.[0];
          const prev = before.find((b) => b.metadata?.uid === p.metadata?.uid)?.status?.containerStatuses?.[0];
          return prev && s?.restartCount === (prev.restartCount ?? 0) + 1;
        });
        return restarted.length === 2 ? ps : undefined;
      },
      'the same pods Running and Ready again, one restart more',
      120_000,
      250,
    );
    for (const p of back) {
      assert.deepEqual(
        {
          exitCode: p.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode,
          reason: p.status?.containerStatuses?.[0]?.lastState?.terminated?.reason,
        },
        { exitCode: 255, reason: 'Unknown' },
      );
      assert.ok(alive(c.runner.runner.processes(ns, p.metadata?.name ?? '')[0]?.pid));
    }
  });
});
