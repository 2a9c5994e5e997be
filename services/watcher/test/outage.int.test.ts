// The broker goes away while the cluster changes: states coalesce (the latest per topic wins),
// transition events wait in the bounded queue (the oldest dropped and counted), and once the broker is
// back (with nothing retained: no session) every state is republished and the queued events follow.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BusClient, createRegistry } from '@kubeblink/core';
import { MosquittoSub, retainedMessages } from '@kubeblink/test/support/mosquitto';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { pino } from 'pino';
import { RecordingSource } from '../src/source/recording.ts';
import { Pipeline } from '../src/watcher.ts';
import { watcherMetrics } from '../src/watcher-metrics.ts';
import { at, cs, pod, tempDir } from './fixtures.ts';
import { AFTER_SYNC, writeRecording } from './recording-fixture.ts';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
const C = 'kubeblink/default';
const broker = new PlainBroker();
const registry = createRegistry('watcher', false);
const metrics = watcherMetrics(registry);
let bus: BusClient;
let pipeline: Pipeline;

before(async () => {
  await broker.start();
  const file = join(tempDir('kubeblink-outage-'), 'sync.jsonl');
  writeRecording(file, { to: AFTER_SYNC });
  bus = new BusClient({
    url: broker.url,
    cluster: 'default',
    instance: 'watcher-outage',
    identity: { kind: 'watcher' },
    role: 'watcher',
    clean: false,
    log,
    registry,
    // slow reconnects: mosquitto_sub, started when the broker is back, is connected before the watcher
    reconnect: { minMs: 2000, maxMs: 3000 },
  });
  const source = new RecordingSource({ file, speed: 0, log });
  pipeline = new Pipeline({
    cluster: 'default',
    instance: 'watcher-outage',
    bus,
    source,
    log,
    metrics,
    settleMs: 100,
    maxEvents: 3,
  });
  await pipeline.publisherComponent().start();
  await bus.start();
  await pipeline.start();
  await pipeline.publisher.whenReady();
});

after(async () => {
  await pipeline.stop();
  await bus.stop();
  await broker.stop();
});

test('while the broker is away: states coalesce, events are bounded; all come back after it returns', {
  skip: needMosquitto,
}, async () => {
  await broker.stop();
  await until(() => !bus.connected, 'disconnected');
  // web-3 is created, scheduled, started, becomes ready, restarts and restarts again: six events
  const web3 = (rv: string, o: Parameters<typeof pod>[0] = {}) =>
    pipeline.handle({
      kind: 'pods',
      type: rv === '200' ? 'ADDED' : 'MODIFIED',
      object: pod({ name: 'web-3', uid: 'uid-3', rv, ...o }),
    });
  web3('200');
  web3('201', { node: 'n1' });
  const run = (restarts: number, ready: boolean) => ({
    node: 'n1',
    phase: 'Running',
    conditions: { Ready: ready ? 'True' : 'False' },
    statuses: [
      cs(
        'app',
        { running: at(restarts + 1) },
        {
          ready,
          restarts,
          ...(restarts ? { last: { terminated: 'Error', exitCode: 1, finishedAt: at(restarts) } } : {}),
        },
      ),
    ],
  });
  web3('202', run(0, true));
  web3('203', run(1, true));
  web3('204', run(2, true));
  assert.equal(pipeline.publisher.outbox.eventCount, 3, 'bounded');
  assert.ok(pipeline.publisher.outbox.dropped >= 3, `dropped ${pipeline.publisher.outbox.dropped}`);
  // coalesced: web-3's pending state is one entry (its latest), whatever happened meanwhile
  await broker.start();
  const sub = new MosquittoSub(broker.port, [`${C}/nodes/+/events`]);
  try {
    const retained = await until(
      async () => {
        const r = await retainedMessages(broker.port, `${C}/#`);
        const status = r.find((m) => m.topic === `${C}/status`);
        return status && JSON.parse(status.payload).state === 'ready' && r.length === 6 ? r : null;
      },
      'every state republished and ready',
      20_000,
    );
    const web3State = retained.find((m) => m.topic === `${C}/nodes/n1/pods/demo/web-3/state`);
    assert.equal(JSON.parse(web3State?.payload ?? '{}').resourceVersion, '204');
    assert.equal(
      retained.some((m) => m.topic.includes('_unscheduled/pods/demo/web-3')),
      false,
    );
    // the three newest events were kept and published after the reconnect
    await until(() => sub.messages.length >= 3, 'queued events delivered', 20_000);
    const ids = sub.messages.map((m) => JSON.parse(m.payload).id);
    assert.deepEqual(ids, [
      'uid-3/203/io.kubeblink.pod.restarted',
      'uid-3/204/io.kubeblink.pod.started',
      'uid-3/204/io.kubeblink.pod.restarted',
    ]);
    const dropped = await registry.getSingleMetric('kubeblink_watcher_events_dropped_total')?.get();
    assert.equal(dropped?.values[0]?.value, pipeline.publisher.outbox.dropped);
  } finally {
    sub.stop();
  }
});
