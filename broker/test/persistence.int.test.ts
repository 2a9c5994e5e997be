// Retained states and QoS 1 sessions survive a restart on the same data directory, in process and
// for the real `kubeblink broker` process stopped with SIGTERM (which must exit 0).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { mosquittoPub, retainedMessages } from '@kubeblink/test/support/mosquitto';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { stringify } from 'yaml';
import { hashPassword } from '../src/password.ts';
import { startTestBroker } from '../src/testing.ts';
import { client, example, serviceStatus, subscribe } from './helpers.ts';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kubeblink-data-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const USERS = [
  { username: 'watcher', password: 'watcher-pw', role: 'watcher' as const },
  { username: 'admin', password: 'admin-pw', role: 'admin' as const },
];
const watcherArgs = ['-u', 'watcher', '-P', 'watcher-pw'];
const adminArgs = ['-u', 'admin', '-P', 'admin-pw'];
const nodeTopic = 'kubeblink/default/nodes/pi3-worker-1/state';
const podTopic = 'kubeblink/default/nodes/pi3-worker-1/pods/demo/web-7d9c5b6f4-x2x9k/state';
const nodeState = JSON.stringify(example('nodeState.ready'));
const podState = JSON.stringify(example('podState.running'));

/** The real `kubeblink broker` process on ephemeral loopback ports, with USERS and a data directory. */
async function startProcess(dataDir: string) {
  const users = join(tempDir(), 'users.yaml');
  const entries = await Promise.all(
    USERS.map(async ({ password, ...u }) => ({
      ...u,
      passwordHash: await hashPassword(password, { N: 1024, r: 8, p: 1 }),
    })),
  );
  writeFileSync(users, stringify({ users: entries }));
  const bin = join(import.meta.dirname, '..', '..', 'services', 'cli', 'bin', 'kubeblink.js');
  const args = ['broker', '--host', '127.0.0.1', '--port', '0', '--ws-port', '0', '--http-host', '127.0.0.1'];
  const child = spawn(process.execPath, [bin, ...args, '--http-port', '0', '--users', users, '--data-dir', dataDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, KUBEBLINK_LOG_FORMAT: 'json' },
  });
  let port = 0;
  let http = 0;
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    log += chunk;
    port = Number(log.match(/"url":"mqtt:\/\/127\.0\.0\.1:(\d+)"/)?.[1] ?? 0);
    http = Number(log.match(/"port":(\d+),"msg":"http: /)?.[1] ?? 0);
  });
  await until(() => port && http, 'the broker process to listen', 30_000);
  return { child, port, http, log: () => log };
}

describe('persistence', { skip: needMosquitto }, () => {
  it('keeps retained states and a QoS 1 session across a restart on the same data directory', async () => {
    const dataDir = tempDir();
    let b = await startTestBroker({ users: USERS, settings: { dataDir } });
    await mosquittoPub(b.port, nodeTopic, nodeState, { retain: true, qos: 1, extra: watcherArgs });
    await mosquittoPub(b.port, podTopic, podState, { retain: true, qos: 1, extra: watcherArgs });
    const session = { username: 'admin', password: 'admin-pw', clientId: 'dashboard-1', clean: false };
    const first = await client(b.url, session);
    await subscribe(first, 'kubeblink/default/nodes/+/events', 1);
    await first.end();
    const event = JSON.stringify(example('clusterEvent.pod-ready'));
    await mosquittoPub(b.port, 'kubeblink/default/nodes/pi3-worker-1/events', event, { qos: 1, extra: watcherArgs });
    await b.stop();

    b = await startTestBroker({ users: USERS, settings: { dataDir } });
    try {
      const retained = await retainedMessages(b.port, 'kubeblink/#', adminArgs);
      assert.deepEqual(
        retained.sort((x, y) => x.topic.localeCompare(y.topic)),
        [
          { retained: true, topic: podTopic, payload: podState },
          { retained: true, topic: nodeTopic, payload: nodeState },
        ],
      );
      const again = await client(b.url, session);
      assert.equal(again.sessionPresent, true);
      await until(() => again.received.length === 1, 'the event queued while away');
      assert.deepEqual(again.received[0], {
        topic: 'kubeblink/default/nodes/pi3-worker-1/events',
        payload: event,
        retain: false,
        qos: 1,
      });
      await again.end();
    } finally {
      await b.stop();
    }
  });

  it('a failed start (port in use) releases the data directory for the next start', async () => {
    const dataDir = tempDir();
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as AddressInfo).port;
    try {
      await assert.rejects(startTestBroker({ users: USERS, settings: { dataDir, port } }), /EADDRINUSE/);
    } finally {
      busy.close();
    }
    // LevelDB locks its directory: this fails if the failed start left the store open.
    const b = await startTestBroker({ users: USERS, settings: { dataDir } });
    await b.stop();
  });

  it('publishes the persisted will of a client whose broker crashed, after the restart (no client left)', async () => {
    const dataDir = tempDir();
    const one = await startProcess(dataDir);
    const status = serviceStatus('led-pi3-worker-1', 'offline');
    await client(`mqtt://127.0.0.1:${one.port}`, {
      username: 'admin',
      password: 'admin-pw',
      clientId: 'led-pi3-worker-1',
      will: { topic: status.topic, payload: Buffer.from(status.payload), qos: 1, retain: true },
    });
    const gone = new Promise((r) => one.child.once('exit', r));
    one.child.kill('SIGKILL'); // no graceful close: the will stays in the store
    await gone;
    const b = await startTestBroker({ users: USERS, settings: { dataDir, heartbeatInterval: 100 } });
    try {
      const sub = await client(b.url, { username: 'admin', password: 'admin-pw' });
      await subscribe(sub, 'kubeblink/default/services/+/+/status', 1);
      await until(() => sub.received.length === 1, 'the will of the crashed broker', 20_000);
      assert.deepEqual(sub.received[0], { topic: status.topic, payload: status.payload, retain: false, qos: 1 });
      assert.deepEqual(await retainedMessages(b.port, 'kubeblink/#', adminArgs), [
        { retained: true, topic: status.topic, payload: status.payload },
      ]);
      await sub.end();
    } finally {
      await b.stop();
    }
  });

  it('the kubeblink broker process exits 0 on SIGTERM and keeps its retained states for the next start', async () => {
    const dataDir = tempDir();
    const start = () => startProcess(dataDir);
    const exited = (child: ChildProcess) =>
      new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    const one = await start();
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${one.http}${path}`);
      return { status: res.status, body: await res.text() };
    };
    assert.deepEqual(await get('/healthz'), { status: 200, body: 'ok\n' });
    assert.deepEqual(await get('/readyz'), { status: 200, body: 'ok\n' });
    await mosquittoPub(one.port, nodeTopic, nodeState, { retain: true, qos: 1, extra: watcherArgs });
    const connected = await client(`mqtt://127.0.0.1:${one.port}`, { username: 'admin', password: 'admin-pw' });
    const metrics = (await get('/metrics')).body;
    assert.match(metrics, /kubeblink_broker_clients\{service="broker"\} 1/);
    assert.match(metrics, /kubeblink_broker_messages_published_total\{kind="nodeState",service="broker"\} 1/);
    const code = exited(one.child);
    one.child.kill('SIGTERM');
    assert.equal(await code, 0, one.log());
    await until(() => connected.closed(), 'clients to be closed by the shutdown');

    const two = await start();
    try {
      assert.deepEqual(await retainedMessages(two.port, 'kubeblink/#', adminArgs), [
        { retained: true, topic: nodeTopic, payload: nodeState },
      ]);
    } finally {
      const code2 = exited(two.child);
      two.child.kill('SIGTERM');
      assert.equal(await code2, 0);
    }
  });
});
