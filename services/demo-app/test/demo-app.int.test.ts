import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSettings } from '@kubeblink/core';
import { MosquittoSub } from '@kubeblink/test/support/mosquitto';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { createDemoApp } from '../src/main.ts';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const topic = 'kubeblink/c/nodes/pi3-worker-1/pods/demo/web-1/signals';

describe('demo app', { skip: needMosquitto }, () => {
  const broker = new PlainBroker();
  let sub: MosquittoSub;
  let exits: number[];
  let app: ReturnType<typeof createDemoApp>;
  let base: string;

  before(async () => {
    await broker.start();
    sub = new MosquittoSub(broker.port, [topic, 'kubeblink/c/services/#']);
    exits = [];
    const settings = loadSettings('demoAppSettings', {
      flags: {
        broker: broker.url,
        cluster: 'c',
        pod: 'web-1',
        namespace: 'demo',
        node: 'pi3-worker-1',
        httpPort: 0,
        httpHost: '127.0.0.1',
        appVersion: 'v2',
        logLevel: 'silent',
        heartbeatSeconds: 0.2,
      },
      env: {},
    });
    app = createDemoApp(settings, (code) => exits.push(code));
    await app.controller.start();
    await until(() => app.bus.connected, 'bus connected');
    base = `http://127.0.0.1:${app.app.port}`;
  });
  after(async () => {
    sub.stop();
    await app.controller.stop();
    await broker.stop();
  });

  const signals = (type: string) =>
    sub.messages
      .filter((m) => m.topic === topic)
      .map((m) => JSON.parse(m.payload))
      .filter((e) => e.type === `io.kubeblink.app.${type}`);

  it('announces itself online as a service', async () => {
    const m = await sub.waitFor((x) => x.topic === 'kubeblink/c/services/demo-app/demo-app-demo-web-1/status');
    assert.equal(JSON.parse(m.payload).state, 'online');
  });

  it('publishes one request signal per request to /, with its version', async () => {
    const res = await fetch(`${base}/`);
    assert.deepEqual(await res.json(), {
      message: 'Hello from web-1 on pi3-worker-1',
      version: 'v2',
      pod: 'web-1',
      node: 'pi3-worker-1',
    });
    await fetch(`${base}/`);
    await until(() => signals('request').length === 2, 'two request signals');
    const e = signals('request')[0];
    assert.equal(e.specversion, '1.0');
    assert.equal(e.source, '/kubeblink/c/pods/demo/web-1');
    assert.equal(e.subject, 'pods/demo/web-1');
    assert.deepEqual(
      { ...e.data, durationMs: 0 },
      {
        namespace: 'demo',
        pod: 'web-1',
        node: 'pi3-worker-1',
        method: 'GET',
        path: '/',
        statusCode: 200,
        durationMs: 0,
        version: 'v2',
      },
    );
    assert.equal(sub.messages.find((m) => m.topic === topic)?.retained, false, 'signals are not retained');
  });

  it('signals probe results, and follows the readiness and liveness faults', async () => {
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.deepEqual(await (await fetch(`${base}/fault/readiness?fail=true`, { method: 'POST' })).json(), {
      readinessFails: true,
    });
    assert.equal((await fetch(`${base}/readyz`)).status, 503);
    assert.equal((await fetch(`${base}/healthz`)).status, 200, 'liveness unaffected by readiness');
    await fetch(`${base}/fault/readiness`, { method: 'POST' }); // toggles back
    await fetch(`${base}/fault/liveness?fail=true`, { method: 'POST' });
    assert.equal((await fetch(`${base}/healthz`)).status, 500);
    await fetch(`${base}/fault/liveness?fail=false`, { method: 'POST' });
    await until(() => signals('liveness').length === 3 && signals('readiness').length === 2, 'probe signals');
    assert.deepEqual(
      signals('readiness').map((e) => e.data.ok),
      [true, false],
    );
    assert.deepEqual(
      signals('liveness').map((e) => e.data.ok),
      [true, true, false],
    );
  });

  it('serves its metrics, and its probes to HEAD without a signal', async () => {
    await until(() => signals('request').length >= 1, 'a request signal');
    const metrics = await fetch(`${base}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /kubeblink_app_signals_total\{type="request",service="demo-app"\} \d/);
    const [live, ready] = [signals('liveness').length, signals('readiness').length];
    assert.equal((await fetch(`${base}/healthz`, { method: 'HEAD' })).status, 200);
    assert.equal((await fetch(`${base}/readyz`, { method: 'HEAD' })).status, 200);
    // One connection delivers in order: once the GET's signal is in, a HEAD's would be too.
    await fetch(`${base}/readyz`);
    await until(() => signals('readiness').length > ready, 'the GET probe signal');
    assert.deepEqual([signals('liveness').length, signals('readiness').length], [live, ready + 1]);
  });

  it('publishes heartbeats', async () => {
    await until(() => signals('heartbeat').length >= 2, 'heartbeats');
    assert.equal(signals('heartbeat')[0].data.version, 'v2');
  });

  it('burns CPU per request when told to, and refuses bad fault parameters', async () => {
    assert.deepEqual(await (await fetch(`${base}/fault/burn?ms=30`, { method: 'POST' })).json(), { burnMs: 30 });
    const before = process.cpuUsage();
    await fetch(`${base}/`);
    const used = process.cpuUsage(before);
    assert.ok(
      used.user + used.system >= 20_000,
      `expected >= 20 ms of CPU, got ${(used.user + used.system) / 1000} ms`,
    );
    await fetch(`${base}/fault/burn?ms=0`, { method: 'POST' });
    const bad = await fetch(`${base}/fault/burn?ms=lots`, { method: 'POST' });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /ms must be an integer/);
    assert.equal((await fetch(`${base}/fault/readiness?fail=maybe`, { method: 'POST' })).status, 400);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  });

  it('exits with the requested code after answering', async () => {
    const res = await fetch(`${base}/fault/exit?code=3`, { method: 'POST' });
    assert.equal(res.status, 202);
    await until(() => exits.length === 1, 'exit called');
    assert.deepEqual(exits, [3]);
  });
});

describe('kubeblink demo-app (process)', () => {
  it('exits with exitCode after exitAfterSeconds: the crash of the crash-loop demo', async () => {
    const bin = join(import.meta.dirname, '..', '..', 'cli', 'bin', 'kubeblink.js');
    const child = spawn(
      process.execPath,
      [bin, 'demo-app', '--http-port', '0', '--exit-after-seconds', '0.3', '--exit-code', '3'],
      {
        env: {
          ...process.env,
          KUBEBLINK_POD: 'web-1',
          KUBEBLINK_NAMESPACE: 'demo',
          KUBEBLINK_NODE: 'n1',
          KUBEBLINK_BROKER: 'mqtt://127.0.0.1:1',
          KUBEBLINK_LOG_LEVEL: 'silent',
        },
        stdio: 'ignore',
      },
    );
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 3);
  });
});
