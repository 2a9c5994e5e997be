// The hooks' decisions without sockets: fake Aedes clients, a real Authenticator and users table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRegistry, silentLogger } from '@kubeblink/core';
import type { Client, ConnectPacket, PublishPacket } from 'aedes';
import { Authenticator } from '../src/auth.ts';
import { brokerMetrics } from '../src/broker-metrics.ts';
import { memoryClientIds } from '../src/client-ids.ts';
import { createHooks, DenialError, MQTT5_REASON } from '../src/hooks.ts';
import { LoginGate } from '../src/login-gate.ts';
import { hashPassword } from '../src/password.ts';
import { parseUsers } from '../src/users.ts';
import { serviceStatus, signal } from './helpers.ts';

async function setup(publishRate = 0) {
  const hash = await hashPassword('pw', { N: 1024, r: 8, p: 1 });
  const auth = new Authenticator({ allowAnonymous: false, allowAnonymousRead: false });
  auth.setUsers(
    parseUsers(
      `users:\n  - { username: web-1, passwordHash: "${hash}", role: app, pod: { namespace: demo, name: web-1, node: pi3-worker-1 } }\n`,
      'u',
    ),
  );
  let now = 0;
  const hooks = createHooks({
    auth,
    log: silentLogger(),
    metrics: brokerMetrics(createRegistry('t', false)),
    maxPayload: 4096,
    maxInflightBytes: 1 << 20,
    publishRate,
    publishBurst: 1,
    topicLimits: { maxBytes: 1024, maxLevels: 16 },
    connectedClient: () => undefined,
    clientIds: memoryClientIds(),
    gate: new LoginGate(
      {
        concurrency: 2,
        failureRate: 1,
        failureBurst: 10,
        pendingPerSource: 8,
        unauthenticatedPerSource: 32,
        unauthenticated: 1024,
        maxWaitMs: 10_000,
      },
      () => now,
    ),
    sourceOf: () => '127.0.0.1',
    now: () => now,
  });
  const connect = async (id: string, will?: ConnectPacket['will']) => {
    const client = { id } as Client;
    await new Promise<void>((r) => hooks.preConnect(client, { cmd: 'connect', will } as ConnectPacket, () => r()));
    const err = await new Promise<Error | null>((r) =>
      hooks.authenticate(client, 'web-1', Buffer.from('pw'), (e) => r(e)),
    );
    return { client, err };
  };
  const publish = (client: Client | null, packet: Partial<PublishPacket>) =>
    new Promise<Error | null | undefined>((r) => hooks.authorizePublish(client, packet as PublishPacket, r));
  return { hooks, connect, publish, tick: (ms: number) => (now += ms) };
}

describe('broker hooks', () => {
  it('lets an app publish its own signals and refuses others with the MQTT 5 reason code ready', async () => {
    const { connect, publish } = await setup();
    const { client, err } = await connect('web-1');
    assert.equal(err, null);
    const own = signal('web-1');
    assert.equal(await publish(client, { topic: own.topic, payload: Buffer.from(own.payload) }), null);
    const other = signal('web-2');
    const refused = await publish(client, { topic: other.topic, payload: Buffer.from(other.payload) });
    assert.ok(refused instanceof DenialError);
    assert.equal(refused.reason, 'acl');
    assert.equal(refused.reasonCode, MQTT5_REASON.acl);
    const sys = await publish(client, { topic: '$SYS/x', payload: Buffer.from('') });
    assert.equal((sys as DenialError).reason, 'acl');
  });

  it('allows a persisted will with no client (it was checked at CONNECT)', async () => {
    const { publish } = await setup();
    assert.equal(await publish(null, { topic: 'anything', payload: Buffer.from('x') }), null);
  });

  it('refuses at CONNECT a will the client could not publish', async () => {
    const { connect } = await setup();
    const { err } = await connect('web-1', {
      topic: 'kubeblink/default/status',
      payload: Buffer.from('{}'),
      qos: 1,
      retain: true,
    });
    assert.equal((err as DenialError & { returnCode: number }).returnCode, 5);
    assert.equal((err as DenialError).reason, 'will_acl');
  });

  it('turns a failing check into a refusal instead of an exception', async () => {
    const { connect, publish } = await setup();
    const { client } = await connect('web-1');
    const own = signal('web-1');
    const err = await publish(client, { topic: own.topic, payload: null as unknown as Buffer });
    assert.equal((err as DenialError).reason, 'invalid');
  });

  it('delays a publish above the rate, refuses one more than a second ahead, never rate-limits the will', async (t) => {
    const { connect, publish } = await setup(2); // 2/s, burst 1
    const s = signal('web-1');
    const packet = { topic: s.topic, payload: Buffer.from(s.payload) };
    const status = serviceStatus('web-1', 'offline', 'demo-app');
    const will = { topic: status.topic, payload: Buffer.from(status.payload), qos: 1 as const, retain: true };
    const { client, err } = await connect('web-1', will);
    assert.equal(err, null);
    t.mock.timers.enable({ apis: ['setTimeout'] });
    assert.equal(await publish(client, packet), null); // the burst
    let second: unknown = 'pending';
    const secondDone = publish(client, packet).then((e) => {
      second = e;
    });
    const fourth = publish(client, packet); // 1000 ms ahead: delayed
    assert.equal(((await publish(client, packet)) as DenialError).reason, 'rate_limited'); // 1500 ms ahead
    assert.equal(await publish(client, will as unknown as PublishPacket), null); // the will: at once
    await Promise.resolve();
    assert.equal(second, 'pending');
    t.mock.timers.tick(500);
    await secondDone;
    assert.equal(second, null);
    t.mock.timers.tick(500);
    assert.equal(await fourth, null);
  });
});
