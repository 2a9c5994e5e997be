// The anonymous admin of --allow-anonymous (local development, loopback only) uses the broker as a
// general MQTT broker would allow (issue 15, "MQTT 3.1.1 conformance"): topics outside kubeblink/
// and $-topics other than $SYS, with `#` never matching a $-topic [MQTT-4.7.2-1]. $SYS stays the
// broker's own, and kubeblink topics stay validated. A password reader still may not publish a $-topic.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { until } from '@kubeblink/test/support/wait';
import { startTestBroker, type TestBroker } from '../src/testing.ts';
import { client, subscribe, type TestClient } from './helpers.ts';

describe('the anonymous admin of --allow-anonymous', () => {
  let b: TestBroker;
  let all: TestClient;
  let dollar: TestClient;
  const denied = (reason: string) => b.metric('kubeblink_broker_denials_total', { action: 'publish', reason });

  before(async () => {
    b = await startTestBroker({
      users: [{ username: 'reader', password: 'reader-pw', role: 'reader' }],
      settings: { allowAnonymous: true },
    });
    all = await client(b.url, { clientId: 'all' });
    await subscribe(all, '#', 1);
    dollar = await client(b.url, { clientId: 'dollar' });
    await subscribe(dollar, ['$lab/#', '+/temp'], 1);
  });
  after(async () => {
    await all?.end();
    await dollar?.end();
    await b?.stop();
  });

  it('publishes outside kubeblink/ and to $-topics; `#` and `+` never match a $-topic', async () => {
    const admin = await client(b.url, { clientId: 'dev' });
    await admin.client.publishAsync('lab/temp', '21.5', { qos: 1 });
    await admin.client.publishAsync('$lab/temp', '22.5', { qos: 1 });
    await admin.client.publishAsync('$lab/last', 'done', { qos: 1 });
    await until(() => dollar.received.some((m) => m.topic === '$lab/last'), 'the $-subscriber to receive $lab/last');
    await until(() => all.received.some((m) => m.topic === 'lab/temp'), 'the # subscriber to receive lab/temp');
    assert.deepEqual(
      dollar.received.map((m) => [m.topic, m.payload]),
      [
        ['lab/temp', '21.5'],
        ['$lab/temp', '22.5'],
        ['$lab/last', 'done'],
      ],
    );
    // `+/temp` matched lab/temp but not $lab/temp, `#` matched none of the $-topics.
    assert.deepEqual(
      all.received.filter((m) => m.topic.startsWith('$') || m.topic.startsWith('lab/')).map((m) => m.topic),
      ['lab/temp'],
    );
    assert.equal(admin.closed(), false);
    await admin.end();
  });

  it('may not publish into $SYS (the broker’s own), nor send invalid kubeblink payloads', async () => {
    const admin = await client(b.url, { clientId: 'dev-sys' });
    admin.client.publish('$SYS/fake/clients', '0');
    await until(() => admin.closed(), 'the connection to be closed');
    assert.equal(await denied('acl'), 1);
    const again = await client(b.url, { clientId: 'dev-bad' });
    again.client.publish('kubeblink/default/nodes/n1/events', '{"not":"an event"}');
    await until(() => again.closed(), 'the connection to be closed');
    assert.equal(await denied('invalid'), 1);
    assert.ok(!all.received.some((m) => m.topic.startsWith('$SYS/fake') || m.topic.endsWith('/events')));
  });

  it('a reader may not publish a $-topic', async () => {
    const reader = await client(b.url, { username: 'reader', password: 'reader-pw' });
    reader.client.publish('$lab/x', 'no');
    await until(() => reader.closed(), 'the connection to be closed');
    assert.equal(await denied('acl'), 2);
    assert.ok(!dollar.received.some((m) => m.topic === '$lab/x'));
  });
});
