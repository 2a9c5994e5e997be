// Cluster test: brings up the simulated cluster (building its binaries first if this machine has
// no cache yet), checks it through kubectl and the API, and tears it down.
// Run: node --test services/sim/test/*.test.ts
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { simUnbuildable } from '@kubeblink/test/support/sim';
import {
  type KubeClient,
  RUNNER_LABEL,
  SimAlreadyRunning,
  type SimState,
  setNodeHeartbeat,
  simClient,
  simDown,
  simStatus,
  simUp,
} from '../src/index.ts';

const run = promisify(execFile);
const pinned = /^K8S_VERSION=(\S+)$/m.exec(
  readFileSync(new URL('../build/versions.env', import.meta.url), 'utf8'),
)?.[1];

// biome-ignore lint/suspicious/noExplicitAny: untyped API JSON
type Obj = any;

/** Polls until `check` returns a truthy value (which is returned). Not a timing assertion: the
 * limit only keeps a broken cluster from hanging the run. */
async function until<T>(what: string, check: () => Promise<T | undefined | false>, limitMs = 120_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(500);
  }
}

describe('simulated cluster', { skip: simUnbuildable() }, () => {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'kubeblink-sim-test-')), 'sim');
  const logs: string[] = [];
  let state: SimState;
  let kube: KubeClient;

  const pods = async (selector: string): Promise<Obj[]> =>
    (await kube.must('GET', `/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(selector)}`)).json()
      .items;
  const running = (p: Obj) =>
    p.status?.phase === 'Running' && p.status.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True');
  const nodeReady = async (name: string) =>
    (await kube.must('GET', `/api/v1/nodes/${name}`)).json().status.conditions.find((c: Obj) => c.type === 'Ready')
      ?.status;

  before(async () => {
    state = await simUp({ stateDir, log: (l) => logs.push(l) });
    kube = simClient({ stateDir });
  });

  after(async () => {
    kube?.close();
    await simDown({ stateDir, log: () => {} });
    assert.equal(existsSync(stateDir), false, 'down removes the state directory');
    for (const p of state?.procs ?? [])
      assert.throws(() => process.kill(p.pid, 0), `${p.name} (pid ${p.pid}) was stopped`);
    rmSync(join(stateDir, '..'), { recursive: true, force: true });
  });

  test('kubectl shows the three Pi nodes Ready', async () => {
    const { stdout } = await run(state.kubectl, ['get', 'nodes', '--no-headers'], {
      env: { ...process.env, KUBECONFIG: state.kubeconfig },
    });
    const rows = stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/));
    assert.deepEqual(rows.map((r) => r[0]).sort(), ['pi3-worker-1', 'pi3-worker-2', 'pi4-master']);
    for (const r of rows) assert.equal(r[1], 'Ready', `${r[0]} is Ready`);
    assert.equal(rows.find((r) => r[0] === 'pi4-master')?.[2], 'control-plane');
  });

  test('/version reports the pinned Kubernetes release', async () => {
    const v = (await kube.must('GET', '/version')).json();
    assert.equal(v.gitVersion, pinned);
    assert.equal(`v${v.major}.${v.minor}`, pinned?.split('.').slice(0, 2).join('.'));
  });

  test('a Deployment of 2 replicas runs on the workers, and the apiserver prints its pods as a Table', async () => {
    await kube.must('POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'plain' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'plain' } },
        template: {
          metadata: { labels: { app: 'plain' } },
          spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] },
        },
      },
    });
    const ps = await until('2 Running pods', async () => {
      const items = await pods('app=plain');
      return items.length === 2 && items.every(running) && items;
    });
    for (const p of ps)
      assert.match(p.spec.nodeName, /^pi3-worker-[12]$/, `${p.metadata.name} is on a worker, not pi4-master`);

    const table = (
      await kube.must('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dplain', undefined, {
        Accept: 'application/json;as=Table;g=meta.k8s.io;v=v1',
      })
    ).json();
    assert.equal(table.kind, 'Table');
    const col = table.columnDefinitions.findIndex((c: Obj) => c.name === 'Status');
    assert.ok(col >= 0, 'the Table has a Status column');
    assert.equal(table.rows.length, 2);
    for (const row of table.rows) assert.equal(row.cells[col], 'Running');
  });

  test('metrics-server reports the CPU usage written into a pod annotation (the runner reports real usage this way)', async () => {
    const [pod] = await pods('app=plain');
    const name = pod.metadata.name as string;
    await kube.must(
      'PATCH',
      `/api/v1/namespaces/default/pods/${name}`,
      { metadata: { annotations: { 'kwok.x-k8s.io/usage-cpu': '250m' } } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    const millicores = (q: string) =>
      q.endsWith('n') ? Number(q.slice(0, -1)) / 1e6 : q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
    // metrics-server derives usage from two scrapes of KWOK's cumulative counter (10 s apart).
    const cpu = await until('pod metrics with ~250m CPU', async () => {
      const r = await kube.request('GET', `/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/${name}`);
      if (r.status !== 200) return undefined;
      const m = millicores(r.json().containers[0].usage.cpu as string);
      return m > 200 && m < 300 ? m : undefined;
    });
    assert.ok(cpu > 200 && cpu < 300);
    // A node's metrics are its pods' (KWOK has none for a node without pods, like pi4-master).
    const nodes = (await kube.must('GET', '/apis/metrics.k8s.io/v1beta1/nodes')).json().items;
    assert.ok(
      nodes.some((n: Obj) => n.metadata.name === pod.spec.nodeName),
      "the pod's node has metrics",
    );
  });

  test('KWOK leaves pods labelled for the pod runner alone', async () => {
    const pod = (name: string, labels: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels },
      spec: { nodeName: 'pi3-worker-1', containers: [{ name: 'app', image: 'kubeblink/demo-app:1' }] },
    });
    await kube.must(
      'POST',
      '/api/v1/namespaces/default/pods',
      pod('runner-pod', { [RUNNER_LABEL]: 'true', t: 'runner' }),
    );
    await kube.must('POST', '/api/v1/namespaces/default/pods', pod('kwok-pod', { t: 'runner' }));
    await until('the unlabelled pod Running', async () =>
      (await pods('t=runner')).some((p) => p.metadata.name === 'kwok-pod' && running(p)),
    );
    await sleep(2000); // KWOK handled its pod; give it the same chance to (wrongly) touch the other
    const runnerPod = (await pods('t=runner')).find((p) => p.metadata.name === 'runner-pod');
    assert.equal(runnerPod.status.phase, 'Pending');
    assert.equal(runnerPod.status.podIP, undefined);
  });

  test('a second up while the cluster runs is refused', async () => {
    await assert.rejects(simUp({ stateDir, log: () => {} }), SimAlreadyRunning);
    assert.equal(simStatus({ stateDir }).running, true);
  });

  test('a worker whose heartbeat stops goes NotReady, its pods move, and it comes back', async () => {
    const before = await pods('app=plain');
    const victim = before.find((p) => p.spec.nodeName === 'pi3-worker-1') ?? before[0];
    const node = victim.spec.nodeName as string;
    const other = node === 'pi3-worker-1' ? 'pi3-worker-2' : 'pi3-worker-1';
    await setNodeHeartbeat(kube, node, false);
    await until(`${node} NotReady`, async () => (await nodeReady(node)) === 'Unknown');
    await until(`2 Running pods on ${other}`, async () => {
      const items = (await pods('app=plain')).filter((p) => !p.metadata.deletionTimestamp);
      return items.length === 2 && items.every((p) => running(p) && p.spec.nodeName === other);
    });
    await setNodeHeartbeat(kube, node, true);
    await until(`${node} Ready again`, async () => (await nodeReady(node)) === 'True');
  });
});
