// The dashboard's own HTTP port relays the broker's WebSocket at /mqtt (issue 18): a real MQTT client
// over WebSocket reaches the retained states through it; the broker still authenticates; the
// connection count and message size are bounded; a missing password file stops the start, naming it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSettings } from '@kubeblink/core';
import { FakeWatcher, nodeState } from '@kubeblink/test/support/cluster-fixtures';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { until } from '@kubeblink/test/support/wait';
import mqtt, { type MqttClient } from 'mqtt';
import { WebSocket } from 'ws';
import { createDashboard } from '../src/main.ts';

function settings(flags: Record<string, string | number>) {
  const s = loadSettings('dashboardSettings', { flags: { cluster: 'c', httpPort: 0, ...flags }, env: {} });
  return { ...s, httpHost: '127.0.0.1', logLevel: 'warn' as const };
}

/** Resolves with the client once CONNACK arrives, rejects with the broker's refusal. */
function connect(url: string, password: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { username: 'display', password, reconnectPeriod: 0, connectTimeout: 10_000 });
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
  });
}

describe('dashboard WebSocket proxy', () => {
  const broker = new PlainBroker({ ws: true });
  let watcher: FakeWatcher;
  let dashboard: ReturnType<typeof createDashboard>;
  const clients: MqttClient[] = [];

  before(async () => {
    await broker.start();
    broker.aedes!.authenticate = (_c, username, password, done) =>
      done(null, username === 'watcher' || (username === 'display' && password?.toString() === 'd-secret'));
    watcher = await FakeWatcher.connect(broker.url, 'c', { username: 'watcher' });
    await watcher.node('pi1', nodeState('pi1'));
    dashboard = createDashboard(
      settings({ upstream: broker.wsUrl, username: 'display', password: 'd-secret', proxyMaxConnections: 2 }),
    );
    await dashboard.controller.start();
  });

  after(async () => {
    for (const c of clients) c.end(true);
    await dashboard?.controller.stop();
    await watcher?.close();
    await broker.stop();
  });

  it('hands the page its own /mqtt and relays retained states through it', async () => {
    const res = await fetch(`http://127.0.0.1:${dashboard.http.port}/config.json`);
    assert.equal(((await res.json()) as { proxy: string }).proxy, '/mqtt');
    const c = await connect(`ws://127.0.0.1:${dashboard.http.port}/mqtt`, 'd-secret');
    clients.push(c);
    const got: [string, string, boolean][] = [];
    c.on('message', (topic, payload, packet) => got.push([topic, JSON.parse(payload.toString()).name, packet.retain]));
    await c.subscribeAsync('kubeblink/c/nodes/+/state');
    await until(() => got.length === 1, 'the retained node state');
    assert.deepEqual(got, [['kubeblink/c/nodes/pi1/state', 'pi1', true]]);
  });

  it('the broker still authenticates: a wrong password is refused through the proxy', async () => {
    await assert.rejects(connect(`ws://127.0.0.1:${dashboard.http.port}/mqtt`, 'wrong'), /Not authorized|Bad user/i);
    await until(() => dashboard.proxy!.connections === 1, 'the refused connection to be closed');
  });

  it('refuses connections beyond the limit with 503, and other paths with 404', async () => {
    clients.push(await connect(`ws://127.0.0.1:${dashboard.http.port}/mqtt`, 'd-secret'));
    assert.equal(dashboard.proxy!.connections, 2);
    const refused = (path: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${dashboard.http.port}${path}`, 'mqtt');
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => resolve(-1));
      });
    assert.equal(await refused('/mqtt'), 503);
    clients.pop()?.end(true);
    await until(() => dashboard.proxy!.connections === 1, 'the second browser to leave');
    assert.equal(await refused('/other'), 404);
  });

  it('closes a browser that sends a message larger than proxyMaxMessageBytes (1009)', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${dashboard.http.port}/mqtt`, 'mqtt');
    await new Promise((r) => ws.once('open', r));
    const code = new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    ws.send(Buffer.alloc(263_169));
    assert.equal(await code, 1009);
  });

  it('a password file that cannot be read is a start-up error that names the file', () => {
    assert.throws(
      () => createDashboard(settings({ passwordFile: '/nonexistent/dashboard-password' })),
      /--password-file \/nonexistent\/dashboard-password: cannot read it \(ENOENT\)/,
    );
  });
});
