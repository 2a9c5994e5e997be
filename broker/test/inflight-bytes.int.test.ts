// Inbound QoS 2 messages awaiting PUBREL are bounded in bytes for every role (issue 15): an admin's
// raw client that sends QoS 2 PUBLISHes and never releases them is disconnected once it would hold
// more than --max-inflight-bytes (counted as reason inflight_bytes); one that releases each message
// (PUBREL after PUBREC, MQTT-4.3.3) sends far more than the bound and stays connected.
import assert from 'node:assert/strict';
import { connect as netConnect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { until } from '@kubeblink/test/support/wait';
import mqttPacket from 'mqtt-packet';
import { startTestBroker, type TestBroker } from '../src/testing.ts';

const PAYLOAD = Buffer.alloc(2000, 'x'); // outside kubeblink/: an admin's free-form topic

/** A raw admin client; `release`: answer each PUBREC with PUBREL. */
function rawAdmin(b: TestBroker, id: string, release: boolean) {
  const socket: Socket = netConnect({ host: '127.0.0.1', port: b.port });
  socket.on('error', () => {});
  let closed = false;
  let pubcomps = 0;
  socket.on('close', () => {
    closed = true;
  });
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const connack = new Promise<void>((resolve) => {
    parser.on('packet', (p) => {
      if (p.cmd === 'connack') resolve();
      if (p.cmd === 'pubrec' && release) socket.write(mqttPacket.generate({ cmd: 'pubrel', messageId: p.messageId }));
      if (p.cmd === 'pubcomp') pubcomps++;
    });
  });
  socket.on('data', (d) => parser.parse(d));
  socket.write(
    mqttPacket.generate({
      cmd: 'connect',
      protocolVersion: 4,
      clean: true,
      keepalive: 0,
      clientId: id,
      username: 'admin',
      password: Buffer.from('admin-pw'),
    } as mqttPacket.IConnectPacket),
  );
  const publish = (messageId: number) =>
    socket.write(
      mqttPacket.generate({
        cmd: 'publish',
        topic: 'lab/blob',
        payload: PAYLOAD,
        qos: 2,
        messageId,
        retain: false,
        dup: false,
      }),
    );
  return { connack, publish, closed: () => closed, pubcomps: () => pubcomps, socket };
}

describe('QoS 2 inflight bytes', () => {
  let b: TestBroker;
  const refused = () => b.metric('kubeblink_broker_denials_total', { action: 'publish', reason: 'inflight_bytes' });
  before(async () => {
    b = await startTestBroker({
      users: [{ username: 'admin', password: 'admin-pw', role: 'admin' }],
      settings: { maxInflightBytes: 10_000, maxInflight: 1000 },
    });
  });
  after(async () => {
    await b?.stop();
  });

  it('disconnects a client holding more than maxInflightBytes unreleased; the count bound alone would allow 1000', async () => {
    const c = rawAdmin(b, 'hoarder', false);
    await c.connack;
    for (let id = 1; id <= 20; id++) c.publish(id); // 20 × ~2 KB, never released
    await until(() => c.closed(), 'the hoarder to be disconnected');
    assert.equal(await refused(), 1);
  });

  it('a client that releases each message sends far more than the bound and stays', async () => {
    const c = rawAdmin(b, 'polite', true);
    await c.connack;
    for (let id = 1; id <= 40; id++) {
      c.publish(id);
      await until(() => c.pubcomps() >= id, `PUBCOMP ${id}`);
    }
    assert.equal(c.closed(), false);
    assert.equal(await refused(), 1);
    c.socket.destroy();
  });
});
