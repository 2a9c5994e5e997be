// The redis backend: two broker replicas share retained messages and route messages to each other's
// subscribers (aedes-persistence-redis + mqemitter-redis), and the state outlives both replicas.
// Needs Debian's redis-server (run on an ephemeral loopback port) and the mosquitto clients; skipped
// with the install line without them (a failure under CI: test/support/system-tool.ts).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@kubeblink/core';
import { mosquittoPub, retainedMessages } from '@kubeblink/test/support/mosquitto';
import { MOSQUITTO_CLIENTS, needTool, REDIS_SERVER } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { startTestBroker, type TestBroker } from '../src/testing.ts';
import { client, example, subscribe } from './helpers.ts';

const REDIS = 'redis-server';
const USERS = [
  { username: 'watcher', password: 'watcher-pw', role: 'watcher' as const },
  { username: 'reader', password: 'reader-pw', role: 'reader' as const },
  { username: 'dashboard', password: 'dash-pw', role: 'reader' as const },
];

describe('redis backend (two replicas)', { skip: needTool(REDIS_SERVER, MOSQUITTO_CLIENTS) }, () => {
  let redis: ChildProcess;
  let dir: string;
  let url: string;
  const replicas: TestBroker[] = [];
  const replica = async () => {
    const b = await startTestBroker({ users: USERS, settings: { persistence: 'redis', redisUrl: url, wsPort: -1 } });
    replicas.push(b);
    return b;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeblink-redis-'));
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = spawn(
      REDIS,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      {
        stdio: 'ignore',
      },
    );
    await until(
      () =>
        new Promise<boolean>((resolve) => {
          const c = connect(port, '127.0.0.1');
          c.once('connect', () => resolve(c.destroy() && true));
          c.once('error', () => resolve(false));
        }),
      'redis-server to listen',
    );
  });
  after(async () => {
    for (const b of replicas) await b.stop().catch(() => {});
    redis?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shares retained states and live messages between replicas, and keeps them when both restart', async () => {
    const a = await replica();
    const b = await replica();
    const sub = await client(b.url, { username: 'reader', password: 'reader-pw' });
    await subscribe(sub, 'kubeblink/default/nodes/+/events', 1);
    const topic = 'kubeblink/default/nodes/pi3-worker-1/state';
    const state = JSON.stringify(example('nodeState.ready'));
    await mosquittoPub(a.port, topic, state, { retain: true, qos: 1, extra: ['-u', 'watcher', '-P', 'watcher-pw'] });
    const event = JSON.stringify(example('clusterEvent.pod-ready'));
    const events = 'kubeblink/default/nodes/pi3-worker-1/events';
    await mosquittoPub(a.port, events, event, { qos: 1, extra: ['-u', 'watcher', '-P', 'watcher-pw'] });
    await until(() => sub.received.length === 1, 'the event published on replica A at a subscriber of replica B');
    assert.deepEqual(sub.received[0], { topic: events, payload: event, retain: false, qos: 1 });
    const reader = ['-u', 'reader', '-P', 'reader-pw'];
    assert.deepEqual(await retainedMessages(b.port, 'kubeblink/#', reader), [
      { retained: true, topic, payload: state },
    ]);
    await sub.end();
    for (const r of replicas.splice(0)) await r.stop();

    const c = await replica();
    assert.deepEqual(await retainedMessages(c.port, 'kubeblink/#', reader), [
      { retained: true, topic, payload: state },
    ]);
  });

  it('a client id claimed on one replica is refused to another principal on the other (issue 15)', async () => {
    const a = await replica();
    const b = await replica();
    const led = await client(a.url, { username: 'reader', password: 'reader-pw', clientId: 'led-9', clean: false });
    await subscribe(led, 'kubeblink/default/nodes/+/events', 1);
    await led.end();
    await assert.rejects(
      client(b.url, { username: 'dashboard', password: 'dash-pw', clientId: 'led-9', clean: false }),
      (err: Error & { code?: number }) => err.code === 2,
    );
    assert.equal(await b.metric('kubeblink_broker_denials_total', { action: 'connect', reason: 'client_id_owned' }), 1);
    const again = await client(b.url, { username: 'reader', password: 'reader-pw', clientId: 'led-9', clean: false });
    assert.equal(again.sessionPresent, true);
    await again.end();
  });
});
