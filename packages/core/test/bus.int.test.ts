import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { PodState } from '@kubeblink/schemas';
import { MosquittoSub, mosquittoPub, retainedMessages } from '@kubeblink/test/support/mosquitto';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { pino } from 'pino';
import { BusClient, type BusClientOptions, type BusMessage, BusPublishError } from '../src/bus/client.ts';
import { createRegistry, type Registry } from '../src/metrics.ts';
import { filters } from '../src/topics.ts';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const pod = JSON.parse(
  readFileSync(new URL('../../../schemas/examples/valid/podState.running.json', import.meta.url), 'utf8'),
) as PodState;
const podParts = { kind: 'podState', cluster: 'c', node: 'pi3-worker-1', namespace: 'demo', pod: pod.name } as const;
const podTopic = `kubeblink/c/nodes/pi3-worker-1/pods/demo/${pod.name}/state`;

function captureLog() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { log, lines };
}

async function metric(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  const v = m?.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
  return Number(v?.value ?? 0);
}

describe('bus client against a real broker', { skip: needMosquitto }, () => {
  const broker = new PlainBroker();
  const clients: BusClient[] = [];
  before(() => broker.start());
  after(async () => {
    for (const c of clients) await c.stop();
    await broker.stop();
  });

  function client(over: Partial<BusClientOptions> = {}) {
    const { log, lines } = captureLog();
    const registry = createRegistry('test', false);
    const c = new BusClient({
      url: broker.url,
      cluster: 'c',
      instance: `svc-${clients.length}`,
      identity: { kind: 'service', service: 'led', version: '0.1.0' },
      role: 'reader',
      log,
      registry,
      ...over,
    });
    clients.push(c);
    return { c, lines, registry };
  }

  it('announces online (retained) and clears it on a clean shutdown', async () => {
    const { c } = client({ instance: 'led-a' });
    let connected = false;
    c.onConnect(() => {
      connected = true;
    });
    await c.start();
    await until(() => connected, 'connect');
    const status = 'kubeblink/c/services/led/led-a/status';
    const retained = await until(async () => (await retainedMessages(broker.port, status))[0], 'retained status');
    assert.equal(retained.retained, true);
    assert.deepEqual(
      { ...JSON.parse(retained.payload), since: 'x' },
      { state: 'online', service: 'led', instance: 'led-a', version: '0.1.0', since: 'x' },
    );
    await c.stop();
    assert.deepEqual(
      await retainedMessages(broker.port, status),
      [],
      'status cleared by a zero-length retained message',
    );
  });

  it('publishes states retained (QoS 1) and tombstones them; subscribers get typed messages', async () => {
    const { c: watcher } = client({ instance: 'watcher-1', identity: { kind: 'watcher' }, role: 'watcher' });
    const { c: reader } = client({ instance: 'reader-1' });
    const got: BusMessage[] = [];
    await watcher.start();
    await reader.start();
    await reader.subscribe(filters.podStates('c'), (m) => {
      got.push(m);
    });
    const sub = new MosquittoSub(broker.port, [podTopic], ['-q', '1']);
    try {
      await watcher.publish(podParts, pod);
      const m = await sub.waitFor((x) => x.payload.length > 0);
      assert.equal(m.topic, podTopic);
      assert.deepEqual(JSON.parse(m.payload), pod);
      await until(() => got.length === 1, 'typed message');
      assert.equal(got[0]?.parts.kind, 'podState');
      assert.deepEqual(got[0]?.payload, pod);
      assert.equal((await retainedMessages(broker.port, podTopic))[0]?.retained, true);
      await watcher.publish(podParts, null);
      await until(() => got.length === 2, 'tombstone');
      assert.equal(got[1]?.payload, null, 'zero-length payload delivered as a tombstone');
      assert.deepEqual(await retainedMessages(broker.port, podTopic), [], 'retained state deleted');
    } finally {
      sub.stop();
    }
  });

  it('refuses to publish invalid payloads, bad segments and topics outside its role', async () => {
    const { c: watcher } = client({ instance: 'watcher-2', identity: { kind: 'watcher' }, role: 'watcher' });
    const { c: app } = client({ instance: 'app-1', role: 'app', pod: { namespace: 'demo', name: 'web-1' } });
    await watcher.start();
    await app.start();
    await assert.rejects(
      watcher.publish(podParts, { ...pod, ready: 'lots' }),
      /invalid podState .*\/ready must match pattern/,
    );
    await assert.rejects(watcher.publish({ ...podParts, pod: 'a/b' }, pod), BusPublishError);
    await assert.rejects(watcher.publish({ ...podParts, node: '+' }, pod), /must not contain/);
    await assert.rejects(watcher.publish({ kind: 'nodeEvents', cluster: 'c', node: 'n1' }, null), /no tombstones/);
    await assert.rejects(app.publish(podParts, pod), /role app may publish only its own pod's signals/);
    await assert.rejects(
      app.publish({ kind: 'podSignals', cluster: 'c', node: 'n1', namespace: 'demo', pod: 'web-2' }, null),
      /may not publish signals of pod demo\/web-2/,
    );
    await until(() => watcher.connected && app.connected, 'both connected');
    await watcher.publish(podParts, pod);
    assert.ok(watcher.connected && app.connected, 'nothing forbidden was sent, both stay connected');
  });

  it('drops an invalid received message: logged once per topic, counted, handler untouched, process alive', async () => {
    const { c, lines, registry } = client({ instance: 'reader-2' });
    const got: BusMessage[] = [];
    await c.start();
    // Connected first: a subscribe made while connected resolves on its SUBACK, so what is published
    // next is delivered (one made before the connect is only sent with the CONNACK, unawaited).
    await until(() => c.connected, 'connect');
    await c.subscribe(filters.cluster('c2'), (m) => {
      got.push(m);
    });
    const t = `kubeblink/c2/nodes/n1/pods/demo/${pod.name}/state`;
    await mosquittoPub(broker.port, t, '{not json', { qos: 1 });
    await mosquittoPub(broker.port, t, JSON.stringify({ ...pod, uid: 5 }), { qos: 1 });
    await mosquittoPub(broker.port, 'kubeblink/c2/nodes/n1/events', '', { qos: 1 });
    await mosquittoPub(broker.port, `kubeblink/c2/nodes/n1/pods/demo/other-pod/state`, JSON.stringify(pod), { qos: 1 });
    await mosquittoPub(broker.port, t, JSON.stringify(pod), { qos: 1 });
    await until(() => got.length === 1, 'the valid message');
    assert.deepEqual(got[0]?.payload, pod);
    assert.equal(await metric(registry, 'kubeblink_bus_messages_invalid_total', { kind: 'podState' }), 3);
    assert.equal(await metric(registry, 'kubeblink_bus_messages_invalid_total', { kind: 'nodeEvents' }), 1);
    const warnings = lines.filter((l) => l.msg?.toString().startsWith('dropped invalid message'));
    assert.deepEqual(
      warnings.map((w) => w.topic).sort(),
      [t, 'kubeblink/c2/nodes/n1/events', 'kubeblink/c2/nodes/n1/pods/demo/other-pod/state'].sort(),
      'one warning per topic',
    );
    assert.match(String(warnings.find((w) => w.topic === t)?.reason), /not JSON/);
  });

  it('survives a handler that throws or rejects', async () => {
    const { c, registry } = client({ instance: 'reader-3' });
    const got: string[] = [];
    await c.start();
    await until(() => c.connected, 'connect'); // see above: the subscriptions are then acknowledged
    await c.subscribe(filters.clusterStatus('c3'), () => {
      throw new Error('boom');
    });
    await c.subscribe(filters.clusterStatus('c3'), async () => {
      throw new Error('async boom');
    });
    await c.subscribe(filters.clusterStatus('c3'), (m) => {
      got.push(m.topic);
    });
    await mosquittoPub(broker.port, 'kubeblink/c3/status', '{"state":"ready"}', { qos: 1 });
    await until(() => got.length === 1, 'third handler still called');
    await until(async () => (await metric(registry, 'kubeblink_bus_handler_errors_total')) === 2, 'two handler errors');
  });

  it('leaves its last will (offline, retained) when killed', async () => {
    const child = spawn(
      process.execPath,
      [new URL('./fixtures-bus-child.ts', import.meta.url).pathname, broker.url, 'led-killed'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    const topic = 'kubeblink/c/services/led/led-killed/status';
    const online = await until(async () => (await retainedMessages(broker.port, topic))[0], 'online');
    assert.equal(JSON.parse(online.payload).state, 'online');
    child.kill('SIGKILL');
    const offline = await until(async () => {
      const m = (await retainedMessages(broker.port, topic))[0];
      return m && JSON.parse(m.payload).state === 'offline' ? m : undefined;
    }, 'last will');
    assert.deepEqual(JSON.parse(offline.payload), {
      state: 'offline',
      service: 'led',
      instance: 'led-killed',
      node: 'n1',
    });
    assert.equal(offline.retained, true);
  });

  it('the watcher leaves offline as its last will on the cluster status and on clean shutdown', async () => {
    const { c } = client({ instance: 'watcher-3', cluster: 'c4', identity: { kind: 'watcher' }, role: 'watcher' });
    await c.start();
    await until(() => c.connected, 'connect');
    await c.publish({ kind: 'clusterStatus', cluster: 'c4' }, { state: 'ready', cluster: 'c4' });
    await c.stop();
    const [m] = await retainedMessages(broker.port, 'kubeblink/c4/status');
    assert.deepEqual(JSON.parse(m?.payload ?? '{}'), { state: 'offline', cluster: 'c4', watcher: 'watcher-3' });
  });

  it('subscribes on the first connect when subscribe() was called before it (broker down at start)', async () => {
    const late = new PlainBroker();
    await late.start();
    const port = late.port;
    await late.stop();
    const { c } = client({
      url: `mqtt://127.0.0.1:${port}`,
      instance: 'reader-early',
      reconnect: { minMs: 50, maxMs: 100 },
    });
    const got: string[] = [];
    await c.start();
    await c.subscribe(filters.clusterStatus('c6'), (m) => {
      if (m.parts.kind === 'clusterStatus') got.push(String((m.payload as { state?: string } | null)?.state));
    });
    late.port = port;
    await late.start();
    try {
      await until(() => c.connected, 'connected once the broker is up', 15_000);
      await until(async () => {
        await mosquittoPub(port, 'kubeblink/c6/status', '{"state":"ready"}', { qos: 1 });
        return got.includes('ready');
      }, 'message on the early subscription');
    } finally {
      await c.stop();
      await late.stop();
    }
  });

  it('reconnects after the broker restarts, tells whether the session was kept, and resubscribes', async () => {
    const { c } = client({ instance: 'reader-4', clean: false, reconnect: { minMs: 50, maxMs: 200 } });
    const sessions: boolean[] = [];
    const got: string[] = [];
    c.onConnect(({ sessionPresent }) => {
      sessions.push(sessionPresent);
    });
    await c.start();
    await c.subscribe(filters.clusterStatus('c5'), (m) => {
      if (m.parts.kind === 'clusterStatus') got.push(String((m.payload as { state?: string } | null)?.state));
    });
    await until(() => sessions.length === 1, 'first connect');
    // Same broker, client drops: the persistent session is kept.
    (c as unknown as { client: { stream: { destroy(): void } } }).client.stream.destroy();
    await until(() => sessions.length === 2, 'reconnect');
    assert.equal(sessions[1], true, 'session kept by the broker');
    // Broker restarts and forgets everything: the client is told the session is gone.
    await broker.stop();
    await broker.start();
    await until(() => sessions.length === 3, 'reconnect after broker restart', 15_000);
    assert.deepEqual(sessions, [false, true, false]);
    // The resubscribe goes out with the CONNACK and is not awaited: publish until it is in place.
    await until(async () => {
      await mosquittoPub(broker.port, 'kubeblink/c5/status', '{"state":"syncing"}', { qos: 1 });
      return got.includes('syncing');
    }, 'message after resubscribe');
  });
});
