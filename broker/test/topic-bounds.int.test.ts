// Issue 15: topic length and depth are bounded for every role, PUBLISH (mosquitto_pub) and SUBSCRIBE
// (MQTT.js) alike. A topic at the bounds is delivered; one byte or one level more is refused,
// counted in kubeblink_broker_denials_total, and logged once per client however often it is tried.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@kubeblink/core';
import { mosquittoPub } from '@kubeblink/test/support/mosquitto';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { startTestBroker, type TestBroker } from '../src/testing.ts';
import { client, subscribe, type TestClient } from './helpers.ts';

// mosquitto_pub is the independent MQTT peer here: without it this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const admin = { username: 'admin', password: 'admin-pw' };
const led = { username: 'led', password: 'led-pw' };
const adminPub = (b: TestBroker, topic: string, payload: string) =>
  mosquittoPub(b.port, topic, payload, {
    qos: 1,
    extra: ['-i', 'admin-pub', '-u', admin.username, '-P', admin.password],
  });

/** The SUBACK's return codes (MQTT.js rejects a SUBACK with a failure, the packet in the error). */
async function grantedQos(c: TestClient, filters: string[]): Promise<number[]> {
  try {
    return (await subscribe(c, filters, 1)).map((g) => g.qos);
  } catch (err) {
    const granted = (err as { packet?: { granted?: number[] } }).packet?.granted;
    if (!granted) throw err;
    return granted;
  }
}

/** A topic of exactly `bytes` UTF-8 bytes and `levels` levels (ASCII, so bytes = characters). */
function topicOf(bytes: number, levels: number): string {
  const head = Array.from({ length: levels - 1 }, () => 'l').join('/');
  return `${head}/${'x'.repeat(bytes - head.length - 1)}`;
}

describe('topic bounds (maxTopicLength 1024 bytes, maxTopicLevels 16 by default)', { skip: needMosquitto }, () => {
  let b: TestBroker;
  const lines: { reason?: string; msg: string }[] = [];
  const denials = (action: string, reason: string) => b.metric('kubeblink_broker_denials_total', { action, reason });
  const logged = (reason: string) => lines.filter((l) => l.reason === reason && l.msg.startsWith('refused')).length;

  before(async () => {
    const destination = new Writable({
      write(chunk, _enc, cb) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        cb();
      },
    });
    b = await startTestBroker({
      users: [
        { ...admin, role: 'admin' },
        { ...led, role: 'reader' },
      ],
      log: createLogger({ service: 'broker', level: 'info', format: 'json', destination }),
    });
  });
  after(() => b.stop());

  it('uses the schema defaults', () => {
    assert.equal(b.settings.maxTopicLength, 1024);
    assert.equal(b.settings.maxTopicLevels, 16);
  });

  it('delivers a PUBLISH at the bounds, refuses one byte or one level more and counts each', async () => {
    const sub = await client(b.url, admin);
    await subscribe(sub, '#', 1);
    const fits = topicOf(1024, 16);
    await adminPub(b, fits, 'fits');
    await until(() => sub.received.length === 1, 'the topic at the bounds');
    assert.deepEqual(
      sub.received.map((m) => [m.topic, m.payload]),
      [[fits, 'fits']],
    );
    // mosquitto_pub -q 1 fails: the broker closes the connection instead of a PUBACK (MQTT-3.3.5-2).
    await assert.rejects(adminPub(b, topicOf(1025, 16), 'too long'));
    await assert.rejects(adminPub(b, topicOf(1025, 16), 'too long again'));
    await assert.rejects(adminPub(b, topicOf(1024, 17), 'too deep'));
    // A multi-byte character counts by its UTF-8 bytes: 514 characters, 1026 bytes.
    await assert.rejects(adminPub(b, `a/${'é'.repeat(512)}`, 'too long in bytes'));
    assert.equal(await denials('publish', 'topic_too_long'), 3);
    assert.equal(await denials('publish', 'topic_levels'), 1);
    assert.equal(logged('topic_too_long'), 1, 'logged once per client (id and user)');
    assert.equal(logged('topic_levels'), 1);
    assert.equal(sub.received.length, 1, 'nothing refused was delivered');
    await sub.end();
  });

  it('refuses a CONNECT whose will topic is over the bounds (CONNACK 5)', async () => {
    const will = { topic: topicOf(1025, 4), payload: Buffer.from('gone'), qos: 0 as const, retain: false };
    await assert.rejects(client(b.url, { ...admin, will }), (err: Error & { code?: number }) => err.code === 5);
    assert.equal(await denials('connect', 'will_topic_too_long'), 1);
  });

  it('refuses a SUBSCRIBE filter over the bounds with 0x80 and keeps the connection', async () => {
    const reader = await client(b.url, led);
    const deep = `kubeblink/${Array.from({ length: 15 }, () => '+').join('/')}/#`; // 17 levels
    const long = `kubeblink/${'n'.repeat(1015)}/#`; // 1027 bytes
    assert.deepEqual(await grantedQos(reader, [deep, long, 'kubeblink/#']), [128, 128, 1]);
    assert.deepEqual(await grantedQos(reader, [deep]), [128]);
    assert.equal(await denials('subscribe', 'topic_levels'), 2);
    assert.equal(await denials('subscribe', 'topic_too_long'), 1);
    assert.equal(logged('topic_levels'), 2, 'once for the publisher, once for this reader');
    assert.equal(reader.closed(), false);
    await reader.end();
  });
});
