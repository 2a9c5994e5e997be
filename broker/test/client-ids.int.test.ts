// Issue 15 case 1 on real sockets: client ids belong to the principal that first used them. A
// squatter (anonymous mosquitto_sub with the watcher's id) neither locks the watcher out nor keeps
// the id; another principal can neither resume (and read) nor wipe a session; the ownership holds
// across a restart on the same --data-dir.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MosquittoSub, mosquittoPub } from '@kubeblink/test/support/mosquitto';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import mqttPacket from 'mqtt-packet';
import { startTestBroker, type TestBroker } from '../src/testing.ts';
import { client, example, subscribe } from './helpers.ts';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const USERS = [
  { username: 'watcher', password: 'watcher-pw', role: 'watcher' as const },
  { username: 'led', password: 'led-pw', role: 'reader' as const },
  { username: 'dashboard', password: 'dash-pw', role: 'reader' as const },
  {
    username: 'web-1',
    password: 'web-pw',
    role: 'app' as const,
    pod: { namespace: 'demo', name: 'web-1', node: 'pi3-worker-1' },
  },
];
const EVENTS = 'kubeblink/default/nodes/pi3-worker-1/events';
const event = (n: number) => JSON.stringify({ ...example('clusterEvent.pod-ready'), message: `event ${n}` });
const watcherPub = (b: TestBroker, payload: string) =>
  mosquittoPub(b.port, EVENTS, payload, { qos: 1, extra: ['-u', 'watcher', '-P', 'watcher-pw'] });

describe('client ids belong to principals', { skip: needMosquitto }, () => {
  let b: TestBroker;
  const refused = () => b.metric('kubeblink_broker_denials_total', { action: 'connect', reason: 'client_id_owned' });
  const refusedConnect = async (opts: object) =>
    assert.rejects(client(b.url, { reconnectPeriod: 0, ...opts }), (err: Error & { code?: number }) => err.code === 2);

  before(async () => {
    b = await startTestBroker({ users: USERS, settings: { allowAnonymousRead: true } });
  });
  after(() => b.stop());

  it('an anonymous squatter of a fresh id is taken over by the principal, then refused that id', async () => {
    const squatter = new MosquittoSub(b.port, ['kubeblink/#'], ['-i', 'watcher-pod-1']);
    await until(() => b.broker.hasClient('watcher-pod-1'), 'the squatter to connect');
    const watcher = await client(b.url, { username: 'watcher', password: 'watcher-pw', clientId: 'watcher-pod-1' });
    await until(() => b.broker.principalOf('watcher-pod-1')?.role === 'watcher', 'the takeover by the watcher');
    await squatter.stop();
    await watcher.end();
    // The watcher is offline now: the id is still the watcher's.
    const before = await refused();
    await assert.rejects(mosquittoPub(b.port, EVENTS, event(0), { extra: ['-i', 'watcher-pod-1'] }));
    assert.equal(await refused(), before + 1);
    const back = await client(b.url, { username: 'watcher', password: 'watcher-pw', clientId: 'watcher-pod-1' });
    assert.equal(back.closed(), false);
    await back.end();
  });

  it('no other principal resumes a session: queued QoS 1 messages reach only their owner, once', async () => {
    const led = await client(b.url, { username: 'led', password: 'led-pw', clientId: 'led-1', clean: false });
    await subscribe(led, 'kubeblink/default/nodes/+/events', 1);
    await led.end();
    await watcherPub(b, event(1));
    await watcherPub(b, event(2));
    const before = await refused();
    // Another reader (same role, another principal), an app and an anonymous client try the id.
    await refusedConnect({ username: 'dashboard', password: 'dash-pw', clientId: 'led-1', clean: false });
    await refusedConnect({ username: 'web-1', password: 'web-pw', clientId: 'led-1', clean: false });
    await refusedConnect({ clientId: 'led-1', clean: true });
    // A clean=true CONNECT under led's id would have wiped the session: refused too.
    await refusedConnect({ username: 'dashboard', password: 'dash-pw', clientId: 'led-1', clean: true });
    assert.equal(await refused(), before + 4);
    const again = await client(b.url, { username: 'led', password: 'led-pw', clientId: 'led-1', clean: false });
    assert.equal(again.sessionPresent, true);
    await until(() => again.received.length === 2, 'the queued events at their owner');
    assert.deepEqual(
      again.received.map((m) => [m.topic, JSON.parse(m.payload).message, m.qos]),
      [
        [EVENTS, 'event 1', 1],
        [EVENTS, 'event 2', 1],
      ],
    );
    await again.end();
  });

  it('refuses a persistent session to anonymous readers and any takeover by an anonymous client', async () => {
    const reason = (r: string) => b.metric('kubeblink_broker_denials_total', { action: 'connect', reason: r });
    const session = await reason('client_id_session');
    await refusedConnect({ clientId: 'student-1', clean: false });
    assert.equal(await reason('client_id_session'), session + 1);
    const student = await client(b.url, { clientId: 'student-2' });
    const taken = await reason('client_id_taken');
    await refusedConnect({ clientId: 'student-2' });
    assert.equal(await reason('client_id_taken'), taken + 1);
    assert.equal(student.closed(), false);
    await student.end();
  });
});

describe('client-id ownership survives a restart (--data-dir)', { skip: needMosquitto }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeblink-ids-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses another principal the id after the restart, and still serves the owner', async () => {
    let b = await startTestBroker({ users: USERS, settings: { dataDir: dir, wsPort: -1 } });
    const led = await client(b.url, { username: 'led', password: 'led-pw', clientId: 'led-1', clean: false });
    await subscribe(led, 'kubeblink/default/nodes/+/events', 1);
    await led.end();
    await b.stop();
    b = await startTestBroker({ users: USERS, settings: { dataDir: dir, wsPort: -1 } });
    try {
      await watcherPub(b, event(3));
      await assert.rejects(
        client(b.url, { username: 'dashboard', password: 'dash-pw', clientId: 'led-1', clean: false }),
        (err: Error & { code?: number }) => err.code === 2,
      );
      assert.equal(
        await b.metric('kubeblink_broker_denials_total', { action: 'connect', reason: 'client_id_owned' }),
        1,
      );
      const again = await client(b.url, { username: 'led', password: 'led-pw', clientId: 'led-1', clean: false });
      await until(() => again.received.length === 1, 'the queued event at its owner');
      assert.equal(JSON.parse(again.received[0]?.payload ?? '{}').message, 'event 3');
      await again.end();
    } finally {
      await b.stop();
    }
  });
});

describe('zero-length client ids (MQTT 3.1.1)', () => {
  it('gives one a unique id with CleanSession=1 [MQTT-3.1.3-6], refuses it with 0 (CONNACK 0x02) [MQTT-3.1.3-8]', async () => {
    const b = await startTestBroker({ users: USERS });
    try {
      // Two at once: were the id not unique, the second would take the first over (MQTT-3.1.4-2).
      const first = await client(b.url, { username: 'led', password: 'led-pw', clientId: '', clean: true });
      const second = await client(b.url, { username: 'dashboard', password: 'dash-pw', clientId: '', clean: true });
      await subscribe(first, EVENTS, 1);
      await subscribe(second, EVENTS, 1);
      await watcherPub(b, event(4));
      await until(() => first.received.length === 1 && second.received.length === 1, 'the event at both');
      assert.equal(first.closed() || second.closed(), false);
      assert.equal(b.broker.principalOf('')?.role, undefined);
      await first.end();
      await second.end();
      // MQTT.js and mqtt-packet refuse to send it: a CONNECT with CleanSession=1, its flag cleared.
      const bytes = mqttPacket.generate({
        cmd: 'connect',
        protocolVersion: 4,
        keepalive: 0,
        clientId: '',
        clean: true,
        username: 'led',
        password: Buffer.from('led-pw'),
      } as mqttPacket.IConnectPacket);
      const flags = bytes.indexOf(Buffer.from('\x00\x04MQTT\x04', 'latin1')) + 7; // MQTT 3.1.1 section 3.1.2.3
      bytes[flags] = (bytes[flags] as number) & ~0x02;
      const socket = createConnection(b.port, '127.0.0.1');
      const parser = mqttPacket.parser({ protocolVersion: 4 });
      const answer = new Promise<{ cmd: string; returnCode?: number }>((r) => parser.once('packet', r));
      const closed = new Promise((r) => socket.once('close', r));
      socket.on('data', (d) => parser.parse(d));
      socket.write(bytes);
      const connack = await answer;
      assert.deepEqual([connack.cmd, connack.returnCode], ['connack', 2]);
      await closed; // [MQTT-3.2.2-5]: the server closes the connection after a refusing CONNACK
      assert.equal(
        await b.metric('kubeblink_broker_denials_total', { action: 'connect', reason: 'client_id_empty' }),
        1,
      );
    } finally {
      await b.stop();
    }
  });
});
