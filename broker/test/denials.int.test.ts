// Every refusal of docs/design.md's security section, on real sockets: refused, counted with its reason,
// and the broker stays up for everyone else (a bystander keeps receiving).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mosquittoPub } from '@kubeblink/test/support/mosquitto';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { startTestBroker, type TestBroker } from '../src/testing.ts';
import { NODE_NAME_EXTRA, POD_NAME_EXTRA, POD_UID_EXTRA, type ReviewStatus } from '../src/tokens.ts';
import { client, example, serviceStatus, signal, subscribe, type TestClient } from './helpers.ts';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const jwt = (sub: string) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub })).toString('base64url')}.c2ln`;
const TOKENS: Record<string, ReviewStatus> = {
  [jwt('web-1')]: {
    authenticated: true,
    audiences: ['kubeblink'],
    user: {
      username: 'system:serviceaccount:demo:default',
      extra: { [POD_NAME_EXTRA]: ['web-1'], [POD_UID_EXTRA]: ['uid-web-1'], [NODE_NAME_EXTRA]: ['pi3-worker-1'] },
    },
  },
  [jwt('wrong-audience')]: {
    authenticated: false,
    error: 'token audiences ["https://kubernetes.default.svc"] is invalid for the target audiences ["kubeblink"]',
  },
  [jwt('unbound')]: { authenticated: true, user: { username: 'system:serviceaccount:demo:default', extra: {} } },
  [jwt('unmapped')]: {
    authenticated: true,
    user: {
      username: 'system:serviceaccount:other:default',
      extra: { [POD_NAME_EXTRA]: ['x'], [POD_UID_EXTRA]: ['u'] },
    },
  },
};

describe('denials', { skip: needMosquitto }, () => {
  let b: TestBroker;
  let bystander: TestClient;
  let probes = 0;
  const denials = (action: string, reason: string) => b.metric('kubeblink_broker_denials_total', { action, reason });

  /** The broker still serves others: an admin's valid message reaches the bystander. */
  async function othersUnaffected() {
    const probe = serviceStatus(`probe-${++probes}`, 'online', 'probe');
    await mosquittoPub(b.port, probe.topic, probe.payload, { qos: 1, extra: ['-u', 'admin', '-P', 'admin-pw'] });
    await until(() => bystander.received.some((m) => m.topic === probe.topic), 'the bystander to receive a probe');
    assert.equal(bystander.closed(), false);
  }

  /** Connects, publishes once (QoS 0) and expects the broker to close the connection. */
  async function refusedPublish(opts: object, topic: string, payload: string | Buffer) {
    const c = await client(b.url, opts);
    c.client.publish(topic, payload, { qos: 0 });
    await until(() => c.closed(), 'the broker to close the connection');
    assert.ok(!bystander.received.some((m) => m.topic === topic && m.payload === payload.toString()));
  }

  async function refusedConnect(opts: object, returnCode: number) {
    await assert.rejects(client(b.url, opts), (err: Error & { code?: number }) => err.code === returnCode);
  }

  before(async () => {
    b = await startTestBroker({
      users: [
        { username: 'admin', password: 'admin-pw', role: 'admin' },
        { username: 'watcher', password: 'watcher-pw', role: 'watcher' },
        { username: 'reader', password: 'reader-pw', role: 'reader' },
        {
          username: 'web-1',
          password: 'web-pw',
          role: 'app',
          pod: { namespace: 'demo', name: 'web-1', node: 'pi3-worker-1' },
        },
      ],
      serviceAccounts: [{ namespace: 'demo', name: '*', role: 'app' }],
      reviewer: async (token, audience) => {
        assert.equal(audience, 'kubeblink');
        return TOKENS[token] ?? { authenticated: false, error: 'unknown token' };
      },
      settings: { allowAnonymousRead: true, maxPayload: 4096 },
    });
    bystander = await client(b.url, { username: 'reader', password: 'reader-pw', clientId: 'bystander' });
    await subscribe(bystander, '#', 1);
  });
  after(async () => {
    await bystander.end();
    await b.stop();
  });

  it('anonymous clients may subscribe (allow-anonymous-read) but never publish', async () => {
    const anon = await client(b.url);
    const granted = await anon.client.subscribeAsync('kubeblink/default/#');
    assert.equal(granted[0]?.qos, 0);
    await anon.end();
    const before = await denials('publish', 'acl');
    const s = signal('web-1');
    await refusedPublish({}, s.topic, s.payload);
    assert.equal(await denials('publish', 'acl'), before + 1);
    await othersUnaffected();
  });

  it('a reader may not publish', async () => {
    const before = await denials('publish', 'acl');
    const topic = 'kubeblink/default/nodes/pi3-worker-1/state';
    await refusedPublish(
      { username: 'reader', password: 'reader-pw' },
      topic,
      JSON.stringify(example('nodeState.ready')),
    );
    assert.equal(await denials('publish', 'acl'), before + 1);
    await othersUnaffected();
  });

  for (const via of ['users file', 'ServiceAccount token'] as const) {
    const creds =
      via === 'users file' ? { username: 'web-1', password: 'web-pw' } : { username: 'token', password: jwt('web-1') };

    it(`an app (${via}) publishes its own signals, not another pod's, not events`, async () => {
      const own = await client(b.url, creds);
      const mine = signal('web-1');
      own.client.publish(mine.topic, mine.payload);
      await until(() => bystander.received.some((m) => m.topic === mine.topic), 'own signal delivered');
      await own.end();
      const before = await denials('publish', 'acl');
      const other = signal('web-2');
      await refusedPublish(creds, other.topic, other.payload);
      const event = JSON.stringify(example('clusterEvent.pod-ready'));
      await refusedPublish(creds, 'kubeblink/default/nodes/pi3-worker-1/events', event);
      assert.equal(await denials('publish', 'acl'), before + 2);
      await othersUnaffected();
    });
  }

  it('an app may not subscribe: SUBACK 0x80, and the connection stays up', async () => {
    const app = await client(b.url, { username: 'web-1', password: 'web-pw' });
    const before = await denials('subscribe', 'acl');
    // MQTT.js turns the failure return code 0x80 of the SUBACK into an error.
    await assert.rejects(app.client.subscribeAsync('kubeblink/#'), /Subscribe error/);
    assert.equal(await denials('subscribe', 'acl'), before + 1);
    assert.equal(app.closed(), false);
    await app.end();
  });

  it('refuses a wrong password (CONNACK 4), also from mosquitto_pub', async () => {
    const before = await denials('connect', 'bad_credentials');
    await refusedConnect({ username: 'watcher', password: 'nope' }, 4);
    await assert.rejects(mosquittoPub(b.port, 'x', 'y', { extra: ['-u', 'watcher', '-P', 'nope'] }));
    await refusedConnect({ username: 'nobody', password: 'x' }, 4);
    assert.equal(await denials('connect', 'bad_credentials'), before + 3);
    await othersUnaffected();
  });

  it('refuses tokens with the wrong audience, unbound tokens and unmapped ServiceAccounts', async () => {
    const [invalid, unbound, unmapped] = await Promise.all([
      denials('connect', 'token_invalid'),
      denials('connect', 'token_unbound'),
      denials('connect', 'token_unmapped'),
    ]);
    await refusedConnect({ username: 'token', password: jwt('wrong-audience') }, 4);
    await refusedConnect({ username: 'token', password: jwt('unbound') }, 4);
    await refusedConnect({ username: 'token', password: jwt('unmapped') }, 5);
    assert.equal(await denials('connect', 'token_invalid'), invalid + 1);
    assert.equal(await denials('connect', 'token_unbound'), unbound + 1);
    assert.equal(await denials('connect', 'token_unmapped'), unmapped + 1);
    await othersUnaffected();
  });

  it('refuses schema-invalid payloads, payloads that lie about their topic, and retained events', async () => {
    const before = await denials('publish', 'invalid');
    const watcher = { username: 'watcher', password: 'watcher-pw' };
    const { uid: _, ...noUid } = example('podState.running');
    await refusedPublish(watcher, 'kubeblink/default/nodes/pi3-worker-1/pods/demo/web-1/state', JSON.stringify(noUid));
    await refusedPublish(watcher, 'kubeblink/default/nodes/pi3-worker-1/state', '{not json');
    const node = JSON.stringify(example('nodeState.ready')); // pi3-worker-1's state under another node
    await refusedPublish(watcher, 'kubeblink/default/nodes/pi3-worker-2/state', node);
    const c = await client(b.url, watcher);
    c.client.publish('kubeblink/default/nodes/pi3-worker-1/events', JSON.stringify(example('clusterEvent.pod-ready')), {
      retain: true,
    });
    await until(() => c.closed(), 'retained event refused');
    assert.equal(await denials('publish', 'invalid'), before + 4);
    await othersUnaffected();
  });

  it('refuses oversized payloads in the hook, and oversized packets at the transport (TCP and WebSocket)', async () => {
    const admin = { username: 'admin', password: 'admin-pw' };
    const before = await denials('publish', 'too_large');
    await refusedPublish(admin, 'interop/big', Buffer.alloc(4097, 'x'));
    assert.equal(await denials('publish', 'too_large'), before + 1);
    const transport = await b.metric('kubeblink_broker_client_errors_total', { reason: 'too_large' });
    await refusedPublish(admin, 'interop/huge', Buffer.alloc(64 * 1024, 'x'));
    const ws = await client(b.wsUrl, admin);
    ws.client.publish('interop/huge', Buffer.alloc(64 * 1024, 'x'));
    await until(() => ws.closed(), 'WebSocket closed');
    await until(
      async () => (await b.metric('kubeblink_broker_client_errors_total', { reason: 'too_large' })) === transport + 2,
      'two transport refusals counted',
    );
    // Exactly at the limit is fine.
    const ok = await client(b.url, admin);
    const seen = await client(b.url, admin);
    await subscribe(seen, 'interop/limit');
    ok.client.publish('interop/limit', Buffer.alloc(4096, 'y'));
    await until(() => seen.received.length === 1, 'a payload of exactly maxPayload');
    await Promise.all([ok.end(), seen.end()]);
    await othersUnaffected();
  });

  it('refuses a connection whose last will it could not publish (checked at CONNECT)', async () => {
    const before = await denials('connect', 'will_acl');
    const will = {
      topic: 'kubeblink/default/status',
      payload: JSON.stringify(example('clusterStatus.will')),
      qos: 1 as const,
      retain: true,
    };
    await refusedConnect({ username: 'reader', password: 'reader-pw', will }, 5);
    assert.equal(await denials('connect', 'will_acl'), before + 1);
    const invalid = await denials('connect', 'will_invalid');
    // Its own status topic, but a payload naming another instance.
    const lie = { topic: serviceStatus('led-2').topic, payload: serviceStatus('led-1', 'offline').payload };
    const badWill = { ...lie, qos: 1 as const, retain: true };
    await refusedConnect({ username: 'reader', password: 'reader-pw', clientId: 'led-2', will: badWill }, 5);
    assert.equal(await denials('connect', 'will_invalid'), invalid + 1);
    await othersUnaffected();
  });

  it("refuses another user's client id instead of kicking the connected client off", async () => {
    const before = await denials('connect', 'client_id_owned');
    await refusedConnect({ username: 'web-1', password: 'web-pw', clientId: 'bystander' }, 2);
    assert.equal(await denials('connect', 'client_id_owned'), before + 1);
    assert.equal(bystander.closed(), false);
    await othersUnaffected();
  });

  it('refuses anonymous clients entirely by default (CONNACK 5)', async () => {
    const strict = await startTestBroker({ users: [] });
    try {
      await assert.rejects(client(strict.url), (err: Error & { code?: number }) => err.code === 5);
      assert.equal(
        await strict.metric('kubeblink_broker_denials_total', { action: 'connect', reason: 'anonymous' }),
        1,
      );
    } finally {
      await strict.stop();
    }
  });
});
