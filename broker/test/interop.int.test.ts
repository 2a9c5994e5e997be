// The broker behaves as a standard MQTT 3.1.1 broker to Debian's mosquitto clients (TCP) and to
// MQTT.js (TCP and WebSocket): QoS 0/1/2, retained messages and their deletion, last will,
// wildcards, persistent sessions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MosquittoSub, mosquittoPub, retainedMessages } from '@kubeblink/test/support/mosquitto';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { startTestBroker, type TestBroker } from '../src/testing.ts';
import { client, example, serviceStatus, subscribe, subscribed } from './helpers.ts';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const admin = ['-u', 'admin', '-P', 'admin-pw'];
const watcher = ['-u', 'watcher', '-P', 'watcher-pw'];

describe('MQTT interoperability', { skip: needMosquitto }, () => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker({
      users: [
        { username: 'admin', password: 'admin-pw', role: 'admin' },
        { username: 'watcher', password: 'watcher-pw', role: 'watcher' },
        { username: 'reader', password: 'reader-pw', role: 'reader' },
      ],
    });
  });
  after(() => b.stop());

  it('delivers QoS 0, 1 and 2 from mosquitto_pub to mosquitto_sub with the granted QoS', async () => {
    const ready = subscribed(b.broker.aedes!, 'interop/qos/#');
    const sub = new MosquittoSub(b.port, ['interop/qos/#'], [...admin, '-q', '2']);
    try {
      await ready;
      for (const qos of [0, 1, 2] as const) {
        await mosquittoPub(b.port, `interop/qos/${qos}`, `m${qos}`, { qos, extra: admin });
      }
      await until(() => sub.messages.length >= 3, 'three messages');
      assert.deepEqual(sub.messages, [
        { retained: false, qos: 0, topic: 'interop/qos/0', payload: 'm0' },
        { retained: false, qos: 1, topic: 'interop/qos/1', payload: 'm1' },
        { retained: false, qos: 2, topic: 'interop/qos/2', payload: 'm2' },
      ]);
    } finally {
      sub.stop();
    }
  });

  it('delivers QoS 0, 1 and 2 between MQTT.js over TCP and MQTT.js over WebSocket', async () => {
    const ws = await client(b.wsUrl, { username: 'admin', password: 'admin-pw' });
    await subscribe(ws, 'interop/js/#', 2);
    const tcp = await client(b.url, { username: 'admin', password: 'admin-pw' });
    for (const qos of [0, 1, 2] as const) await tcp.client.publishAsync(`interop/js/${qos}`, `j${qos}`, { qos });
    await until(() => ws.received.length === 3, 'three messages over WebSocket');
    assert.deepEqual(ws.received, [
      { topic: 'interop/js/0', payload: 'j0', retain: false, qos: 0 },
      { topic: 'interop/js/1', payload: 'j1', retain: false, qos: 1 },
      { topic: 'interop/js/2', payload: 'j2', retain: false, qos: 2 },
    ]);
    await Promise.all([ws.end(), tcp.end()]);
  });

  it('keeps a retained state, delivers it with the retain flag, and deletes it with an empty payload', async () => {
    const topic = 'kubeblink/default/nodes/pi3-worker-1/state';
    const state = JSON.stringify(example('nodeState.ready'));
    await mosquittoPub(b.port, topic, state, { retain: true, qos: 1, extra: watcher });
    assert.deepEqual(await retainedMessages(b.port, 'kubeblink/default/nodes/+/state', admin), [
      { retained: true, topic, payload: state },
    ]);
    const ws = await client(b.wsUrl, { username: 'reader', password: 'reader-pw' });
    await subscribe(ws, 'kubeblink/default/#', 1);
    await until(() => ws.received.length === 1, 'retained state over WebSocket');
    assert.deepEqual(ws.received[0], { topic, payload: state, retain: true, qos: 1 });
    await mosquittoPub(b.port, topic, null, { retain: true, qos: 1, extra: watcher });
    await until(() => ws.received.length === 2, 'tombstone');
    assert.deepEqual(ws.received[1], { topic, payload: '', retain: false, qos: 1 });
    assert.deepEqual(await retainedMessages(b.port, 'kubeblink/default/#', admin), []);
    await ws.end();
  });

  it('publishes the last will of a client that vanishes, retained', async () => {
    const will = serviceStatus('led-pi3-worker-1', 'offline');
    const sub = await client(b.url, { username: 'reader', password: 'reader-pw' });
    await subscribe(sub, 'kubeblink/default/services/+/+/status', 1);
    const led = await client(b.url, {
      username: 'reader',
      password: 'reader-pw',
      clientId: 'led-pi3-worker-1',
      will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true },
    });
    led.client.stream.destroy(); // no DISCONNECT: the broker must publish the will
    await until(() => sub.received.length === 1, 'the will');
    assert.deepEqual(sub.received[0], { topic: will.topic, payload: will.payload, retain: false, qos: 1 });
    assert.deepEqual(await retainedMessages(b.port, will.topic, admin), [
      { retained: true, topic: will.topic, payload: will.payload },
    ]);
    // A clean DISCONNECT discards the will (MQTT-3.1.2-10).
    const clean = serviceStatus('led-pi3-worker-2', 'offline');
    const led2 = await client(b.url, {
      username: 'reader',
      password: 'reader-pw',
      clientId: 'led-pi3-worker-2',
      will: { topic: clean.topic, payload: Buffer.from(clean.payload), qos: 1, retain: true },
    });
    await led2.end();
    await mosquittoPub(b.port, 'kubeblink/default/services/led/x/status', null, { retain: true, extra: admin });
    await until(() => sub.received.length === 2, 'marker');
    assert.equal(sub.received[1]?.topic, 'kubeblink/default/services/led/x/status');
    await sub.end();
  });

  it('matches + and # wildcards as MQTT 3.1.1 section 4.7 says', async () => {
    const c = await client(b.wsUrl, { username: 'admin', password: 'admin-pw' });
    await subscribe(c, ['interop/w/+/state', 'interop/w/a/#']);
    for (const t of [
      'interop/w/a/state',
      'interop/w/b/state',
      'interop/w/b/x/state',
      'interop/w/a',
      'interop/w/a/x/y',
    ]) {
      await mosquittoPub(b.port, t, t, { extra: admin });
    }
    await mosquittoPub(b.port, 'interop/w/end', 'end', { extra: admin });
    await c.client.subscribeAsync('interop/w/end');
    await mosquittoPub(b.port, 'interop/w/end', 'end', { extra: admin });
    await until(() => c.received.some((m) => m.topic === 'interop/w/end'), 'end marker');
    assert.deepEqual(c.received.map((m) => m.topic).sort(), [
      'interop/w/a',
      'interop/w/a/state',
      'interop/w/a/x/y',
      'interop/w/b/state',
      'interop/w/end',
    ]);
    await c.end();
  });

  it('keeps a persistent session: QoS 1 messages sent while the client was away arrive on reconnect', async () => {
    const opts = { username: 'admin', password: 'admin-pw', clientId: 'persistent-1', clean: false };
    const first = await client(b.url, opts);
    await subscribe(first, 'interop/session/#', 1);
    await first.end();
    for (const i of [1, 2, 3]) await mosquittoPub(b.port, `interop/session/${i}`, `s${i}`, { qos: 1, extra: admin });
    const again = await client(b.url, opts);
    assert.equal(again.sessionPresent, true);
    await until(() => again.received.length === 3, 'queued messages');
    assert.deepEqual(
      again.received.map((m) => [m.topic, m.payload, m.qos]),
      [1, 2, 3].map((i) => [`interop/session/${i}`, `s${i}`, 1]),
    );
    await again.end();
  });

  it('keeps a persistent session for mosquitto_sub -c as well', async () => {
    const args = [...admin, '-c', '-i', 'mosq-persistent', '-q', '1'];
    const ready = subscribed(b.broker.aedes!, 'interop/mosq/#');
    const first = new MosquittoSub(b.port, ['interop/mosq/#'], args);
    await ready;
    await first.stop();
    await until(() => !b.broker.hasClient('mosq-persistent'), 'mosquitto_sub gone');
    await mosquittoPub(b.port, 'interop/mosq/1', 'away', { qos: 1, extra: admin });
    const second = new MosquittoSub(b.port, ['interop/mosq/#'], args);
    try {
      const m = await second.waitFor((x) => x.topic === 'interop/mosq/1');
      assert.equal(m.payload, 'away');
    } finally {
      second.stop();
    }
  });
});
