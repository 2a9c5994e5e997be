// Issue 7's "done when": every demo runs unattended (`kubeblink demo NAME --yes`, through runDemo as
// the command does) on the simulated cluster with the demo app running as real processes; the test
// checks the bus events each demo produced and the LED pictures of the virtual boards at each of its
// checkpoints (before the clean-up).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { applyObjects, deleteObjects, loadKubeConfig, readManifests, waitGone } from '@kubeblink/kube';
import type { ClusterEvent } from '@kubeblink/schemas';
import { loudSkip } from '@kubeblink/test/support/sim';
import { until } from '@kubeblink/test/support/wait';
import { demoNamespace } from '../src/demo.ts';
import { DEMOS } from '../src/demos/index.ts';
import { runDemo } from '../src/main.ts';
import type { DemoIO } from '../src/step-runner.ts';
import { checkPicture } from './checkpoints.ts';
import { inOrder, podHistories } from './pictures.ts';
import { CLUSTER, type Stack, startStack } from './stack.ts';

/** The demo app `kubeblink up` deploys (3 replicas, one per node: slot 0 of every board). */
const UP_DEMO_APP = new URL('../../../deploy/up/demo-app.yaml', import.meta.url).pathname;

interface Run {
  events: ClusterEvent[];
  /** Checkpoint name -> how many of `events` had arrived when it was reached. */
  marks: Map<string, number>;
  log: string[];
}

const LIFE = ['scheduled', 'started', 'ready', 'terminating', 'deleted'];
const data = (e: ClusterEvent) =>
  e.data as { name: string; uid: string; node: string | null; reason?: string; exitCode?: number | null };

describe('the seven demos on the simulated cluster', { timeout: 1_800_000 }, () => {
  let s: Stack | undefined;
  let skip = '';
  const t0 = performance.now();

  before(async () => {
    const r = await startStack();
    if (typeof r === 'string') skip = loudSkip('demo cluster tests', r);
    else s = r;
  });
  after(async () => {
    await s?.stop();
  });

  async function run(name: string, diag: (m: string) => void): Promise<Run> {
    const stack = s as Stack;
    const ns = demoNamespace(name);
    const first = stack.events.length;
    const marks = new Map<string, number>();
    const log: string[] = [];
    const memo: Record<string, string> = {};
    const io: DemoIO = {
      out: (text) => log.push(text),
      progress: () => {},
      pause: () => Promise.reject(new Error('paused although --yes')),
    };
    const started = performance.now();
    try {
      await runDemo({
        name,
        settings: {
          yes: true,
          broker: stack.broker.url,
          ...stack.demoUser,
          cluster: CLUSTER,
          kubeconfig: stack.sim.kubeconfig,
          timeoutScale: 1,
        },
        io,
        onCheckpoint: async (demo, cp) => {
          let wrong: string | undefined;
          await until(
            async () => {
              const pics = await stack.pictures();
              wrong = checkPicture(`${demo}/${cp}`, ns, { pics, bus: stackPods(stack, ns), memo });
              return wrong === undefined;
            },
            `the LED picture at ${demo}/${cp}`,
            20_000,
            100,
          ).catch((err) => {
            throw new Error(`${(err as Error).message}: ${wrong}`);
          });
          marks.set(cp, stack.events.length - first);
        },
      });
    } catch (err) {
      diag(log.join('\n'));
      throw err;
    }
    diag(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s (clean-up included)`);
    // The clean-up waited for the objects to be gone; the watcher's last events follow at once.
    await until(
      () => podHistories(stack.events.slice(first), ns).every((h) => h.types.includes('deleted')),
      `every pod of ${name} deleted on the bus`,
      30_000,
      100,
    );
    return { events: stack.events.slice(first), marks, log };
  }

  const stackPods = (stack: Stack, ns: string) => stack.kit.model.pods().filter((p) => p.namespace === ns);

  test('kubeblink demo --list names the seven demos', () => {
    assert.deepEqual(
      DEMOS.map((d) => d.name),
      ['node-failure', 'crash-restart', 'rolling-update', 'bad-image', 'crash-loop', 'hpa', 'statefulset'],
    );
  });

  // Issue 14: the demo runs beside `up`'s own demo app, which holds slot 0 of every board; the
  // replacement must still get a slot (not the overflow) and the narration must name it.
  test('node-failure beside up demo app: the dead node pod is replaced into a free slot, named', async (t) => {
    if (!s) return t.skip(skip);
    const stack = s;
    const kc = loadKubeConfig({ kubeconfig: stack.sim.kubeconfig });
    const upApp = readManifests(UP_DEMO_APP);
    await applyObjects(kc, upApp, { fieldManager: 'kubeblink-up' });
    t.after(async () => {
      await deleteObjects(kc, upApp);
      await waitGone(kc, upApp, { timeoutMs: 60_000 });
    });
    await until(
      async () => {
        const pics = await stack.pictures();
        return [...pics.values()].every((p) => p.slots.some((x) => x.pod?.namespace === 'default'));
      },
      "up's demo app in a slot of every board",
      120_000,
      200,
    );
    const r = await run('node-failure', (m) => t.diagnostic(m));
    assert.deepEqual([...r.marks.keys()], ['running', 'node-down', 'rescheduled', 'node-back']);
    const down = r.events.filter(
      (e) => e.type === 'io.kubeblink.node.unreachable' || e.type === 'io.kubeblink.node.notready',
    );
    const victim = down[0] ? data(down[0]).name : '';
    assert.ok(victim, 'a node went down on the bus');
    const nodeTypes = r.events.filter((e) => e.type.startsWith('io.kubeblink.node.') && data(e).name === victim);
    assert.ok(
      inOrder(
        nodeTypes.map((e) => e.type.replace('io.kubeblink.node.', '')),
        ['unreachable', 'ready'],
      ),
      JSON.stringify(nodeTypes.map((e) => e.type)),
    );
    const hist = podHistories(r.events, demoNamespace('node-failure'));
    const nodeOf = (uid: string) =>
      data(r.events.find((e) => data(e).uid === uid && data(e).node) as ClusterEvent).node;
    const evicted = hist.filter((h) => nodeOf(h.uid) === victim);
    const replacements = hist.filter((h) => nodeOf(h.uid) !== victim);
    assert.ok(evicted.length >= 1, 'a pod was on the node that died');
    for (const h of evicted)
      assert.ok(
        inOrder(h.types, ['scheduled', 'started', 'ready', 'evicted', 'terminating', 'deleted']),
        `${h.name}: ${h.types}`,
      );
    assert.equal(evicted.length, 1);
    assert.equal(replacements.length, 1);
    for (const h of replacements) assert.ok(inOrder(h.types, LIFE), `${h.name}: ${h.types}`);
    const [gone, fresh] = [evicted[0], replacements[0]];
    const freshNode = fresh ? nodeOf(fresh.uid) : null;
    // The narration names exactly the pod that moved and its replacement, nothing else.
    const line = r.log.find((l) => l.includes('evicted: '));
    assert.ok(line, r.log.join('\n'));
    assert.ok(line.includes(`evicted: ${gone?.name} on ${victim}; replaced by: ${fresh?.name} on ${freshNode}`), line);
    // That the replacement held slot 1 beside up's app (not the overflow) at the 'rescheduled'
    // checkpoint is checked on the LED picture (checkpoints.ts).
  });

  test('crash-restart: the app exits with code 1 and comes back', async (t) => {
    if (!s) return t.skip(skip);
    const r = await run('crash-restart', (m) => t.diagnostic(m));
    assert.deepEqual([...r.marks.keys()], ['running', 'restarted']);
    const [h, ...more] = podHistories(r.events, demoNamespace('crash-restart'));
    assert.equal(more.length, 0);
    assert.ok(
      inOrder(h?.types ?? [], ['scheduled', 'started', 'ready', 'restarted', 'ready', 'terminating', 'deleted']),
      `${h?.types}`,
    );
    // The new process: a second `started` (its startedAt), from the same update as `restarted`.
    assert.equal(h?.types.filter((x) => x === 'started').length, 2);
    const restarted = r.events.filter((e) => e.type === 'io.kubeblink.pod.restarted').map(data);
    assert.deepEqual(
      restarted.map((d) => [d.reason, d.exitCode]),
      [['Error', 1]],
    );
  });

  test('rolling-update: v2 pods become ready before v1 pods terminate', async (t) => {
    if (!s) return t.skip(skip);
    const r = await run('rolling-update', (m) => t.diagnostic(m));
    assert.deepEqual([...r.marks.keys()], ['v1', 'v2']);
    const hist = podHistories(r.events, demoNamespace('rolling-update'));
    assert.equal(hist.length, 4);
    for (const h of hist) assert.ok(inOrder(h.types, LIFE), `${h.name}: ${h.types}`);
    // Pods of one ReplicaSet share the name prefix web-<template hash>-; v1's came first.
    const rs = (name: string) => name.split('-').slice(0, 2).join('-');
    const v1 = rs(hist[0]?.name ?? '');
    const at = (pred: (e: ClusterEvent) => boolean) => r.events.findIndex(pred);
    const firstV2Ready = at((e) => e.type === 'io.kubeblink.pod.ready' && rs(data(e).name) !== v1);
    const firstV1Gone = at((e) => e.type === 'io.kubeblink.pod.terminating' && rs(data(e).name) === v1);
    assert.ok(
      firstV2Ready >= 0 && firstV1Gone > firstV2Ready,
      'maxUnavailable 0: a v2 pod was ready before any v1 pod went',
    );
    assert.ok(firstV1Gone < (r.marks.get('v2') ?? 0), 'the v1 pods went during the rollout, not in the clean-up');
  });

  test('bad-image: image pull failure, then fixed', async (t) => {
    if (!s) return t.skip(skip);
    const r = await run('bad-image', (m) => t.diagnostic(m));
    assert.deepEqual([...r.marks.keys()], ['image-pull-backoff', 'fixed']);
    const [bad, good, ...more] = podHistories(r.events, demoNamespace('bad-image'));
    assert.equal(more.length, 0);
    assert.ok(inOrder(bad?.types ?? [], ['scheduled', 'imagepull-failed', 'terminating', 'deleted']), `${bad?.types}`);
    assert.ok(!bad?.types.includes('started'), 'the bad image never started');
    assert.ok(inOrder(good?.types ?? [], LIFE), `${good?.types}`);
    const pull = r.events.find((e) => e.type === 'io.kubeblink.pod.imagepull-failed');
    assert.match(data(pull as ClusterEvent).reason ?? '', /^(ErrImagePull|ImagePullBackOff)$/);
  });

  test('crash-loop: restarts with exit code 3, then CrashLoopBackOff', async (t) => {
    if (!s) return t.skip(skip);
    const r = await run('crash-loop', (m) => t.diagnostic(m));
    assert.deepEqual([...r.marks.keys()], ['crash-loop']);
    const [h, ...more] = podHistories(r.events, demoNamespace('crash-loop'));
    assert.equal(more.length, 0);
    assert.ok(
      inOrder(h?.types ?? [], ['scheduled', 'started', 'restarted', 'crashloop', 'terminating', 'deleted']),
      `${h?.types}`,
    );
    const restarts = r.events.filter((e) => e.type === 'io.kubeblink.pod.restarted').map(data);
    for (const d of restarts) assert.deepEqual([d.reason, d.exitCode], ['Error', 3]);
    const loop = r.events.find((e) => e.type === 'io.kubeblink.pod.crashloop');
    assert.equal(data(loop as ClusterEvent).reason, 'CrashLoopBackOff');
  });

  test('hpa: 1 -> 4 pods under load, and back to 1', async (t) => {
    if (!s) return t.skip(skip);
    const r = await run('hpa', (m) => t.diagnostic(m));
    assert.deepEqual([...r.marks.keys()], ['one-pod', 'scaled-out', 'scaled-in']);
    const ns = demoNamespace('hpa');
    const by = (cp: string) => podHistories(r.events.slice(0, r.marks.get(cp)), ns);
    assert.equal(by('scaled-out').filter((h) => h.types.includes('ready')).length, 4);
    assert.equal(by('scaled-in').filter((h) => h.types.includes('deleted')).length, 3);
    for (const h of podHistories(r.events, ns)) assert.ok(inOrder(h.types, LIFE), `${h.name}: ${h.types}`);
  });

  test('statefulset: ordered start, web-1 recreated under its name', async (t) => {
    if (!s) return t.skip(skip);
    const r = await run('statefulset', (m) => t.diagnostic(m));
    assert.deepEqual([...r.marks.keys()], ['running', 'recreated']);
    const hist = podHistories(r.events, demoNamespace('statefulset'));
    assert.deepEqual(hist.map((h) => h.name).sort(), ['web-0', 'web-1', 'web-1', 'web-2']);
    for (const h of hist) assert.ok(inOrder(h.types, LIFE), `${h.name}: ${h.types}`);
    const at = (name: string, type: string, nth = 0) =>
      r.events
        .filter((e) => data(e).name === name && e.type === `io.kubeblink.pod.${type}`)
        .map((e) => r.events.indexOf(e))[nth] ?? -1;
    // OrderedReady: each pod is created once the previous one is Ready.
    assert.ok(at('web-0', 'ready') < at('web-1', 'scheduled'));
    assert.ok(at('web-1', 'ready') < at('web-2', 'scheduled'));
    // The old web-1 is deleted before the new one (same name, new uid) is scheduled.
    assert.ok(at('web-1', 'deleted') < at('web-1', 'scheduled', 1));
    assert.notEqual(hist.filter((h) => h.name === 'web-1')[0]?.uid, hist.filter((h) => h.name === 'web-1')[1]?.uid);
  });

  test('timing', (t) => {
    t.diagnostic(`whole file: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  });
});
