// The watcher through a real broker (plain Aedes on a loopback port) with Debian's mosquitto_sub as
// the independent subscriber, on a recorded watch stream: the start-up protocol (syncing, states,
// stale retained states cleared, ready), exact topics, payloads and retain flags, transition events
// with deterministic ids, and retained states back after the broker lost them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BusClient, createRegistry } from '@kubeblink/core';
import { MosquittoSub, mosquittoPub, retainedMessages } from '@kubeblink/test/support/mosquitto';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { pino } from 'pino';
import { derivePod } from '../src/derive/pod-state.ts';
import { RecordingSource } from '../src/source/recording.ts';
import { Pipeline } from '../src/watcher.ts';
import { watcherMetrics } from '../src/watcher-metrics.ts';
import { pod, tempDir } from './fixtures.ts';
import { AFTER_SYNC, writeRecording } from './recording-fixture.ts';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
const C = 'kubeblink/default';

describe('watcher on a recording, through a real broker', { skip: needMosquitto }, () => {
  const broker = new PlainBroker();
  const dir = tempDir('kubeblink-watcher-');
  const file = join(dir, 'sync.jsonl');
  const changes = join(dir, 'changes.jsonl');
  let sub: MosquittoSub;
  let bus: BusClient;
  let pipeline: Pipeline;
  let ended = false;
  const registry = createRegistry('watcher', false);
  const metrics = watcherMetrics(registry);

  before(async () => {
    await broker.start();
    // Leftovers of an earlier watcher: a pod and a node that no longer exist, and web-1's old state.
    const stale = derivePod(pod({ name: 'gone', uid: 'uid-gone', node: 'n1' })).state;
    await mosquittoPub(broker.port, `${C}/nodes/n1/pods/demo/gone/state`, JSON.stringify(stale), {
      retain: true,
      qos: 1,
    });
    const oldNode = { ...JSON.parse(JSON.stringify(stale)), name: 'x' };
    await mosquittoPub(broker.port, `${C}/nodes/old-node/pods/demo/x/state`, JSON.stringify(oldNode), {
      retain: true,
      qos: 1,
    });
    // The first sync and the later changes are two recordings, so that the test knows which
    // events come after `ready` without depending on timing.
    writeRecording(file, {
      to: AFTER_SYNC,
      extraLines: ['this line is not JSON', '{"t":5,"kind":"pods","type":"EXPLODED"}'],
    });
    writeRecording(changes, { from: AFTER_SYNC });
    sub = new MosquittoSub(broker.port, ['kubeblink/#']);
    await until(async () => (await retainedMessages(broker.port, `${C}/#`)).length === 2, 'stale states seeded');
    await new Promise((r) => setTimeout(r, 300)); // mosquitto_sub connected (it prints nothing until then)
    bus = new BusClient({
      url: broker.url,
      cluster: 'default',
      instance: 'watcher-test',
      identity: { kind: 'watcher' },
      role: 'watcher',
      clean: false,
      log,
      registry,
      reconnect: { minMs: 100, maxMs: 1000 },
    });
    const source = new RecordingSource({ file, speed: 0, log, onEnd: () => (ended = true) });
    pipeline = new Pipeline({ cluster: 'default', instance: 'watcher-test', bus, source, log, metrics, settleMs: 200 });
    await pipeline.publisherComponent().start();
    await bus.start();
    await pipeline.start();
  });

  after(async () => {
    sub?.stop();
    await pipeline?.stop();
    await bus?.stop();
    await broker.stop();
  });

  test('start-up protocol: syncing, every state, stale ones cleared, then ready', async () => {
    await pipeline.publisher.whenReady();
    await until(() => ended, 'recording played');
    const statuses = () =>
      sub.messages.filter((m) => m.topic === `${C}/status`).map((m) => JSON.parse(m.payload).state);
    await until(() => statuses().includes('ready'), 'ready on the bus');
    assert.equal(statuses()[0], 'syncing');
    const seq = sub.messages.map((m) => `${m.topic}${m.payload === '' ? ' <tombstone>' : ''}`);
    const readyAt = sub.messages.findIndex((m) => m.topic === `${C}/status` && JSON.parse(m.payload).state === 'ready');
    const before = seq.slice(0, readyAt);
    // all first-sync states and both stale tombstones came before `ready`
    for (const t of [
      `${C}/nodes/n1/state`,
      `${C}/nodes/n2/state`,
      `${C}/nodes/n1/pods/demo/web-1/state`,
      `${C}/nodes/_unscheduled/pods/demo/web-2/state`,
      `${C}/nodes/n1/pods/demo/gone/state <tombstone>`,
      `${C}/nodes/old-node/pods/demo/x/state <tombstone>`,
    ]) {
      assert.ok(before.includes(t), `${t} before ready; got ${JSON.stringify(before)}`);
    }
    const cleared = await registry.getSingleMetric('kubeblink_watcher_stale_states_cleared_total')?.get();
    assert.equal(cleared?.values[0]?.value, 2);
  });

  test('transition events: exact topics and deterministic ids, none for the first sync', async () => {
    assert.equal(sub.messages.filter((m) => m.topic.endsWith('/events')).length, 0);
    let done = false;
    const more = new RecordingSource({ file: changes, speed: 0, log, onEnd: () => (done = true) });
    await more.start((e) => pipeline.handle(e));
    await until(() => done, 'changes played');
    const ids = () =>
      sub.messages
        .filter((m) => m.topic.endsWith('/events'))
        .map((m) => `${m.topic.split('/')[3]} ${JSON.parse(m.payload).id}`);
    await until(() => ids().length >= 6, 'six events');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(
      ids(),
      [
        'n2 uid-2/102/io.kubeblink.pod.scheduled',
        'n2 uid-2/103/io.kubeblink.pod.started',
        'n2 uid-2/103/io.kubeblink.pod.ready',
        'n1 uid-1/104/io.kubeblink.pod.started',
        'n1 uid-1/104/io.kubeblink.pod.restarted',
        'n1 nu1/12/io.kubeblink.node.cordoned',
        'n1 uid-1/105/io.kubeblink.pod.deleted',
      ].slice(0, ids().length),
    );
    await until(() => ids().length === 7, 'seven events');
    const restarted = sub.messages
      .map((m) => (m.topic.endsWith('/events') ? JSON.parse(m.payload) : null))
      .find((e) => e?.type === 'io.kubeblink.pod.restarted');
    assert.deepEqual(restarted.data, {
      namespace: 'demo',
      name: 'web-1',
      uid: 'uid-1',
      node: 'n1',
      status: 'Running',
      ready: '1/1',
      restarts: 1,
      owner: 'ReplicaSet/web-7d9',
      container: 'app',
      reason: 'Error',
      exitCode: 3,
      restartCount: 1,
    });
    assert.equal(restarted.source, '/kubeblink/default/watcher');
    assert.equal(restarted.subject, 'pods/demo/web-1');
    assert.equal(restarted.specversion, '1.0');
  });

  test('final retained states equal the cluster: moved and deleted pods cleared, flags retained', async () => {
    const wanted = [`${C}/nodes/n1/state`, `${C}/nodes/n2/pods/demo/web-2/state`, `${C}/nodes/n2/state`, `${C}/status`];
    const retained = await until(async () => {
      const r = await retainedMessages(broker.port, `${C}/#`);
      return r
        .map((m) => m.topic)
        .sort()
        .join() === wanted.join()
        ? r
        : null;
    }, 'retained states settle');
    assert.ok(retained.every((m) => m.retained));
    const byTopic = new Map(retained.map((m) => [m.topic, JSON.parse(m.payload)]));
    assert.equal(byTopic.get(`${C}/status`).state, 'ready');
    // The counts follow the cluster while ready (issue 14): 2 pods at ready, 1 after web-1's deletion,
    // re-published with the same `since` (still the moment the watcher became ready).
    const status = await until(async () => {
      const m = (await retainedMessages(broker.port, `${C}/status`))[0];
      const st = m && JSON.parse(m.payload);
      return st?.pods === 1 ? st : null;
    }, 'status counts re-published');
    const statuses = sub.messages.filter((m) => m.topic === `${C}/status`).map((m) => JSON.parse(m.payload));
    const readyOnes = statuses.filter((st) => st.state === 'ready');
    assert.deepEqual(
      [readyOnes[0].nodes, readyOnes[0].pods, status.nodes, status.pods, status.since],
      [2, 2, 2, 1, readyOnes[0].since],
    );
    assert.equal(byTopic.get(`${C}/nodes/n1/state`).status, 'Ready,SchedulingDisabled');
    const web2 = byTopic.get(`${C}/nodes/n2/pods/demo/web-2/state`);
    assert.deepEqual([web2.status, web2.ready, web2.node, web2.resourceVersion], ['Running', '1/1', 'n2', '103']);
    // the _unscheduled topic web-2 left was cleared, web-1's deletion left a zero-length payload
    const tomb = (t: string) => sub.messages.some((m) => m.topic === t && m.payload === '');
    assert.ok(tomb(`${C}/nodes/_unscheduled/pods/demo/web-2/state`));
    assert.ok(tomb(`${C}/nodes/n1/pods/demo/web-1/state`));
    // the bad recording lines were skipped, not fatal
    assert.equal(pipeline.store.pods.size, 1);
  });

  test('a broker that lost everything gets every retained state back after the reconnect', async () => {
    const before = (await retainedMessages(broker.port, `${C}/#`)).map((m) => m.topic).sort();
    await broker.stop();
    await broker.start();
    assert.deepEqual(await retainedMessages(broker.port, `${C}/#`), []);
    const after = await until(
      async () => {
        const r = await retainedMessages(broker.port, `${C}/#`);
        const status = r.find((m) => m.topic === `${C}/status`);
        return r.length === before.length && status && JSON.parse(status.payload).state === 'ready' ? r : null;
      },
      'retained states republished',
      20_000,
    );
    assert.deepEqual(after.map((m) => m.topic).sort(), before);
  });
});
