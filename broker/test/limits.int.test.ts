// Limits that keep one client from hurting the others: a frozen subscriber is dropped after the
// drain timeout while the rest keep receiving, and a flooding publisher is slowed, then refused.
import assert from 'node:assert/strict';
import { connect as netConnect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { until } from '@kubeblink/test/support/wait';
import mqttPacket from 'mqtt-packet';
import { startTestBroker } from '../src/testing.ts';
import { client, example, signal, subscribe } from './helpers.ts';

const admin = { username: 'admin', password: 'admin-pw' };

/** A raw MQTT 3.1.1 subscriber that, once subscribed, stops reading its socket (a Pi on dead Wi-Fi). */
async function frozenSubscriber(port: number, filter: string): Promise<Socket> {
  const socket = netConnect(port, '127.0.0.1');
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const suback = new Promise<void>((resolve) => parser.on('packet', (p) => p.cmd === 'suback' && resolve()));
  socket.on('data', (d) => parser.parse(d));
  socket.on('error', () => {});
  const send = (packet: object) => socket.write(mqttPacket.generate(packet as mqttPacket.Packet));
  send({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId: 'frozen',
    keepalive: 0,
    ...admin,
    password: Buffer.from(admin.password),
  });
  send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos: 0 }] });
  await suback;
  socket.removeAllListeners('data');
  socket.pause();
  return socket;
}

describe('limits', () => {
  it('never waits for a frozen subscriber: the others receive every message, it is cut off at its queue bound', async () => {
    // No drain timeout at all: only the queue bound can end the frozen client, and before issue 15
    // the whole broker waited for it forever once its 20 delivery slots were held.
    const b = await startTestBroker({
      users: [{ ...admin, role: 'admin' }],
      settings: { drainTimeout: 0, concurrency: 20, publishRate: 0, outgoingQueueBytes: 1024 * 1024 },
    });
    try {
      const frozen = await frozenSubscriber(b.port, 'flood/#');
      const fast = await client(b.url, admin);
      await subscribe(fast, 'flood/#');
      const publisher = await client(b.url, admin);
      // 600 x 32 KiB: far more than loopback socket buffers hold, so writes to the frozen client block.
      const total = 600;
      const body = Buffer.alloc(32 * 1024, 'x');
      for (let i = 0; i < total; i++) publisher.client.publish(`flood/${i}`, body);
      await until(() => fast.received.length === total, `all ${total} messages at the fast subscriber`, 60_000);
      assert.deepEqual(
        fast.received.map((m) => m.topic),
        Array.from({ length: total }, (_, i) => `flood/${i}`),
      );
      await until(() => !b.broker.hasClient('frozen'), 'the frozen subscriber to be dropped', 30_000);
      assert.equal(await b.metric('kubeblink_broker_slow_subscribers_total', { reason: 'queue_bytes' }), 1);
      assert.equal(await b.metric('kubeblink_broker_slow_subscribers_total', { reason: 'drain_timeout' }), 0);
      assert.equal(fast.closed(), false);
      frozen.destroy();
      await Promise.all([fast.end(), publisher.end()]);
    } finally {
      await b.stop();
    }
  });

  it('slows an app above its rate, refuses one more than a second ahead, and never limits the watcher', async () => {
    const app = { username: 'web-1', password: 'web-pw' };
    const b = await startTestBroker({
      users: [
        { ...admin, role: 'admin' },
        { ...app, role: 'app', pod: { namespace: 'demo', name: 'web-1', node: 'pi3-worker-1' } },
        { username: 'watcher', password: 'watcher-pw', role: 'watcher' },
      ],
      settings: { publishRate: 20, publishBurst: 5 },
    });
    try {
      const sub = await client(b.url, admin);
      await subscribe(sub, 'kubeblink/#');
      const s = signal('web-1');
      const steady = await client(b.url, app);
      for (let i = 0; i < 15; i++) steady.client.publish(s.topic, s.payload);
      await until(() => sub.received.length === 15, 'all 15 throttled signals');
      assert.equal(steady.closed(), false);
      assert.ok((await b.metric('kubeblink_broker_publishes_throttled_total')) >= 10);
      await steady.end();

      const flood = await client(b.url, app);
      for (let i = 0; i < 200; i++) flood.client.publish(s.topic, s.payload);
      await until(() => flood.closed(), 'the flooding app to be disconnected');
      assert.equal(await b.metric('kubeblink_broker_denials_total', { action: 'publish', reason: 'rate_limited' }), 1);
      const delivered = sub.received.length - 15;
      // How many got through before the refusal depends on how the packets arrived (one read or several).
      assert.ok(delivered < 200, `delivered ${delivered} of the flood`);

      // The watcher's start-up sync: 300 states at once, all delivered, nothing throttled.
      const throttled = await b.metric('kubeblink_broker_publishes_throttled_total');
      const watcher = await client(b.url, { username: 'watcher', password: 'watcher-pw' });
      const node = example('nodeState.ready');
      for (let i = 0; i < 300; i++) {
        const name = `node-${i}`;
        watcher.client.publish(`kubeblink/default/nodes/${name}/state`, JSON.stringify({ ...node, name }), {
          retain: true,
        });
      }
      await until(() => sub.received.filter((m) => m.topic.endsWith('/state')).length === 300, '300 node states');
      assert.equal(await b.metric('kubeblink_broker_publishes_throttled_total'), throttled);
      assert.equal(watcher.closed(), false);
      assert.equal(sub.closed(), false);
      await Promise.all([sub.end(), watcher.end()]);
    } finally {
      await b.stop();
    }
  });

  it('closes a client that publishes deeper topics than maxTopicLevels, or holds too many QoS 2 messages', async () => {
    const b = await startTestBroker({
      users: [{ ...admin, role: 'admin' }],
      settings: { maxTopicLevels: 16, maxInflight: 5 },
    });
    try {
      const bystander = await client(b.url, admin);
      await subscribe(bystander, 'ok/#');
      const deep = await client(b.url, admin);
      deep.client.publish(Array.from({ length: 17 }, (_, i) => `l${i}`).join('/'), 'x');
      await until(() => deep.closed(), 'the deep publisher to be closed');
      // Refused by the hooks (topic-bounds.ts) as a denial, before Aedes' own backstop at 100 levels.
      assert.equal(await b.metric('kubeblink_broker_denials_total', { action: 'publish', reason: 'topic_levels' }), 1);
      assert.equal(await b.metric('kubeblink_broker_client_errors_total', { reason: 'topic_levels' }), 0);

      // QoS 2 PUBLISHes whose PUBREL never comes: the sixth is one too many.
      const socket = netConnect(b.port, '127.0.0.1');
      let closed = false;
      socket.on('close', () => {
        closed = true;
      });
      socket.on('error', () => {});
      socket.on('data', () => {});
      const send = (packet: object) => socket.write(mqttPacket.generate(packet as mqttPacket.Packet));
      send({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: 'half-open',
        keepalive: 0,
        ...admin,
        password: Buffer.from(admin.password),
      });
      for (let id = 1; id <= 6; id++)
        send({ cmd: 'publish', topic: 'ok/qos2', payload: Buffer.from(String(id)), qos: 2, messageId: id });
      await until(() => closed, 'the client holding six QoS 2 messages to be closed');
      assert.equal(await b.metric('kubeblink_broker_client_errors_total', { reason: 'inflight' }), 1);

      const probe = await client(b.url, admin);
      probe.client.publish('ok/still', 'up');
      await until(() => bystander.received.some((m) => m.topic === 'ok/still'), 'the broker to serve others');
      await Promise.all([bystander.end(), probe.end()]);
    } finally {
      await b.stop();
    }
  });
});
