// The watcher against the simulated cluster (real kube-apiserver, scheduler and controllers, KWOK
// nodes), through a real broker, checked by mosquitto_sub: docs/design.md's demo scenarios. Pods labelled
// for the pod runner are left alone by KWOK, so the test writes their status through the API's status
// subresource (crash, restart, CrashLoopBackOff, image pull failure), as a kubelet would.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loudSkip } from '@kubeblink/test/support/sim';
import { until } from '@kubeblink/test/support/wait';
import { C, type Harness, type Json, startHarness } from './cluster-harness.ts';

const NS = 'demo';
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const MERGE = 'application/merge-patch+json';

describe('watcher on the simulated cluster', () => {
  let h: Harness | undefined;
  let skip = '';

  before(async () => {
    const r = await startHarness();
    if (typeof r === 'string') skip = loudSkip('watcher cluster tests', r);
    else h = r;
    if (h) await h.apply('POST', '/api/v1/namespaces', { metadata: { name: NS } });
  });
  after(async () => h?.stop());

  const podStates = async (prefix: string) =>
    [...(await h!.retained()).entries()].filter(([t, v]) => t.includes('/pods/') && v.name.startsWith(prefix));
  const ofPod = (name: string, type: string) => (e: Json) =>
    e.data?.name === name && e.type === `io.kubeblink.pod.${type}`;

  test('Deployment scaled up and down; rolling update', async (t) => {
    if (!h) return t.skip(skip);
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image: 'kubeblink/demo-app:1' }] },
        },
      },
    };
    await h.apply('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, dep);
    const running = await until(
      async () => {
        const s = await podStates('web-');
        return s.length === 2 && s.every(([, v]) => v.status === 'Running' && v.ready === '1/1') ? s : null;
      },
      'two web pods Running 1/1',
      90_000,
      250,
    );
    for (const [topic, v] of running) {
      assert.equal(topic, `${C}/nodes/${v.node}/pods/${NS}/${v.name}/state`);
      assert.match(v.node, /^pi3-worker-/);
      assert.equal(v.owner.kind, 'ReplicaSet');
      for (const type of ['scheduled', 'started', 'ready']) await h.waitEvent(`${v.name} ${type}`, ofPod(v.name, type));
      const ids: string[] = h
        .events()
        .filter((e: Json) => e.data?.uid === v.uid)
        .map((e: Json) => e.id);
      assert.equal(new Set(ids).size, ids.length, 'no event published twice');
    }

    await h.apply('PATCH', `/apis/apps/v1/namespaces/${NS}/deployments/web`, { spec: { replicas: 1 } }, MERGE);
    const gone = await until(
      () => h!.events().find((e) => e.type === 'io.kubeblink.pod.deleted' && e.data.name.startsWith('web-')),
      'a web pod deleted',
      60_000,
      100,
    );
    await h.waitEvent('terminating before deleted', ofPod(gone.data.name, 'terminating'));
    await until(async () => (await podStates('web-')).length === 1, 'one web pod state left', 60_000, 250);
    assert.ok(
      h.sub.messages.some(
        (m) => m.topic === `${C}/nodes/${gone.data.node}/pods/${NS}/${gone.data.name}/state` && m.payload === '',
      ),
      'tombstone',
    );

    // rolling update: a new template makes a new ReplicaSet; the old pod goes away
    const oldOwner = (await podStates('web-'))[0]?.[1].owner.name;
    await h.apply(
      'PATCH',
      `/apis/apps/v1/namespaces/${NS}/deployments/web`,
      { spec: { template: { spec: { containers: [{ name: 'app', image: 'kubeblink/demo-app:2' }] } } } },
      MERGE,
    );
    const updated = await until(
      async () => {
        const s = await podStates('web-');
        return s.length === 1 && s[0]?.[1].owner.name !== oldOwner && s[0]?.[1].status === 'Running' ? s[0][1] : null;
      },
      'rolled over to the new ReplicaSet',
      90_000,
      250,
    );
    assert.deepEqual(updated.images, ['kubeblink/demo-app:2']);
    await h.waitEvent('new pod ready', ofPod(updated.name, 'ready'));
  });

  async function runnerPod(name: string, node: string): Promise<Json> {
    return h!.apply('POST', `/api/v1/namespaces/${NS}/pods`, {
      metadata: { name, labels: { [h!.sim.runnerLabel]: 'true', app: name } },
      spec: { nodeName: node, containers: [{ name: 'app', image: 'kubeblink/demo-app:1' }] },
    });
  }
  const cstatus = (state: Json, o: { restarts?: number; ready?: boolean; last?: Json } = {}) => ({
    name: 'app',
    image: 'kubeblink/demo-app:1',
    imageID: '',
    ready: o.ready ?? false,
    started: !!state.running,
    restartCount: o.restarts ?? 0,
    state,
    lastState: o.last ?? {},
  });
  const setStatus = (name: string, status: Json) =>
    h!.apply('PATCH', `/api/v1/namespaces/${NS}/pods/${name}/status`, { status }, MERGE);

  test('a crash with restart, then CrashLoopBackOff', async (t) => {
    if (!h) return t.skip(skip);
    const pod = await runnerPod('crashy', 'pi3-worker-1');
    const t1 = now();
    await setStatus('crashy', {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [cstatus({ running: { startedAt: t1 } }, { ready: true })],
    });
    await h.waitEvent('crashy ready', ofPod('crashy', 'ready'));
    const last = { terminated: { exitCode: 3, reason: 'Error', startedAt: t1, finishedAt: now() } };
    await setStatus('crashy', {
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [cstatus({ running: { startedAt: now() } }, { ready: true, restarts: 1, last })],
    });
    const restarted = await h.waitEvent('crashy restarted', ofPod('crashy', 'restarted'));
    assert.deepEqual(
      [restarted.data.container, restarted.data.reason, restarted.data.exitCode, restarted.data.restartCount],
      ['app', 'Error', 3, 1],
    );
    assert.match(restarted.id, new RegExp(`^${pod.metadata.uid}/\\d+/io\\.kubeblink\\.pod\\.restarted$`));
    await setStatus('crashy', {
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        cstatus(
          { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' } },
          { restarts: 2, last },
        ),
      ],
    });
    const loop = await h.waitEvent('crashy crashloop', ofPod('crashy', 'crashloop'));
    assert.equal(loop.data.status, 'CrashLoopBackOff');
    await h.waitEvent('crashy unready', ofPod('crashy', 'unready'));
    const state = (await h.retained()).get(`${C}/nodes/pi3-worker-1/pods/${NS}/crashy/state`);
    assert.deepEqual([state.status, state.ready, state.restarts], ['CrashLoopBackOff', '0/1', 2]);
  });

  test('an image pull failure', async (t) => {
    if (!h) return t.skip(skip);
    await runnerPod('badimg', 'pi3-worker-2');
    await setStatus('badimg', {
      containerStatuses: [cstatus({ waiting: { reason: 'ErrImagePull', message: 'not found' } })],
    });
    const e = await h.waitEvent('badimg imagepull-failed', ofPod('badimg', 'imagepull-failed'));
    assert.deepEqual([e.data.reason, e.data.container], ['ErrImagePull', 'app']);
    await setStatus('badimg', {
      containerStatuses: [cstatus({ waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } })],
    });
    await until(
      () => h!.events().filter(ofPod('badimg', 'imagepull-failed')).length === 2,
      'second imagepull-failed',
      30_000,
      100,
    );
    const state = (await h.retained()).get(`${C}/nodes/pi3-worker-2/pods/${NS}/badimg/state`);
    assert.equal(state.status, 'ImagePullBackOff');
  });

  test('cordon and uncordon', async (t) => {
    if (!h) return t.skip(skip);
    await h.apply('PATCH', '/api/v1/nodes/pi3-worker-2', { spec: { unschedulable: true } }, MERGE);
    await h.waitEvent('cordoned', (e) => e.type === 'io.kubeblink.node.cordoned' && e.data.name === 'pi3-worker-2');
    await until(
      async () => (await h!.retained()).get(`${C}/nodes/pi3-worker-2/state`)?.status === 'Ready,SchedulingDisabled',
      'cordoned state',
    );
    await h.apply('PATCH', '/api/v1/nodes/pi3-worker-2', { spec: { unschedulable: null } }, MERGE);
    await h.waitEvent('uncordoned', (e) => e.type === 'io.kubeblink.node.uncordoned' && e.data.name === 'pi3-worker-2');
    await until(
      async () => (await h!.retained()).get(`${C}/nodes/pi3-worker-2/state`)?.status === 'Ready',
      'uncordoned state',
    );
  });

  test('a node stops heartbeating: unreachable, its pods rescheduled; then ready again', async (t) => {
    if (!h) return t.skip(skip);
    const before = (await podStates('web-'))[0]?.[1];
    assert.ok(before, 'a web pod to reschedule');
    const node = before.node as string;
    await h.sim.setNodeHeartbeat(node, false);
    const unreachable = await h.waitEvent(
      `${node} unreachable`,
      (e) => e.type === 'io.kubeblink.node.unreachable' && e.data.name === node,
      120_000,
    );
    assert.equal(unreachable.data.status, 'NotReady');
    // the taint manager evicts the pod (terminating); the Deployment starts a replacement elsewhere
    await h.waitEvent('web pod evicted', ofPod(before.name, 'evicted'), 120_000);
    await h.waitEvent('web pod terminating', ofPod(before.name, 'terminating'), 120_000);
    const replacement = await until(
      async () => {
        const s = (await podStates('web-')).map(([, v]) => v);
        return s.find((v) => v.name !== before.name && v.node !== node && v.status === 'Running');
      },
      'replacement Running on another node',
      120_000,
      250,
    );
    await h.waitEvent('replacement ready', ofPod(replacement.name, 'ready'));
    await h.sim.setNodeHeartbeat(node, true);
    await h.waitEvent(
      `${node} ready again`,
      (e) => e.type === 'io.kubeblink.node.ready' && e.data.name === node && e.time >= unreachable.time,
      120_000,
    );
  });

  test('delete: deleted events and tombstones; final states equal the API', async (t) => {
    if (!h) return t.skip(skip);
    await h.apply('DELETE', `/apis/apps/v1/namespaces/${NS}/deployments/web`);
    await h.kube.must('DELETE', `/api/v1/namespaces/${NS}/pods/crashy?gracePeriodSeconds=0`);
    await h.waitEvent('crashy deleted', ofPod('crashy', 'deleted'));
    await until(
      async () => {
        const api = (await h!.kube.must('GET', '/api/v1/pods')).json().items as Json[];
        const states = [...(await h!.retained()).entries()].filter(([k]) => k.includes('/pods/'));
        const want = api
          .map((p) => `${p.spec.nodeName ?? '_unscheduled'}/${p.metadata.namespace}/${p.metadata.name}`)
          .sort();
        const got = states.map(([, v]) => `${v.node ?? '_unscheduled'}/${v.namespace}/${v.name}`).sort();
        return JSON.stringify(want) === JSON.stringify(got);
      },
      'retained pod states equal the API',
      120_000,
      500,
    );
    const ids = h.events().map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, 'no transition event published twice');
  });
});
