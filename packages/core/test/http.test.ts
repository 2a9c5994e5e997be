import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthServer, sendJson } from '../src/http.ts';
import { silentLogger } from '../src/log.ts';
import { counter, createRegistry } from '../src/metrics.ts';

describe('health server', () => {
  it('serves /healthz, /readyz (following readiness), /metrics and extra routes on a real socket', async () => {
    let ready = false;
    const registry = createRegistry('svc', false);
    counter(registry, 'kubeblink_test_things_total', 'things').inc(3);
    const server = new HealthServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      log: silentLogger(),
      ready: () => ready,
      routes: { '/leds': (_req, res) => sendJson(res, { a: 1 }) },
    });
    await server.start();
    const base = `http://127.0.0.1:${server.port}`;
    try {
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      assert.equal((await fetch(`${base}/readyz`)).status, 503);
      ready = true;
      assert.equal((await fetch(`${base}/readyz`)).status, 200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /kubeblink_test_things_total\{service="svc"\} 3/);
      assert.deepEqual(await (await fetch(`${base}/leds?x=1`)).json(), { a: 1 });
      assert.equal((await fetch(`${base}/nope`)).status, 404);
      assert.equal((await fetch(`${base}/healthz`, { method: 'POST' })).status, 405);
    } finally {
      await server.stop();
    }
    await assert.rejects(fetch(`${base}/healthz`), 'stopped server refuses connections');
  });

  it('answers 500 when a route throws, and keeps serving', async () => {
    const server = new HealthServer({
      host: '127.0.0.1',
      port: 0,
      registry: createRegistry('svc', false),
      log: silentLogger(),
      ready: () => true,
      routes: {
        '/bad': () => {
          throw new Error('boom');
        },
      },
    });
    await server.start();
    try {
      assert.equal((await fetch(`http://127.0.0.1:${server.port}/bad`)).status, 500);
      assert.equal((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status, 200);
    } finally {
      await server.stop();
    }
  });

  it('routes by method and path, lets a route take over a probe, and hands the rest to notFound', async () => {
    const calls: string[] = [];
    const server = new HealthServer({
      host: '127.0.0.1',
      port: 0,
      registry: createRegistry('svc', false),
      log: silentLogger(),
      ready: () => true,
      routes: {
        'GET /healthz': (_req, res) => sendJson(res, { ok: false }, 500),
        'POST /fault': (req, res) => {
          calls.push(req.url ?? '');
          sendJson(res, { done: true }, 202);
        },
      },
      notFound: (req, res) => sendJson(res, { error: `no route ${req.method} ${req.url}` }, 404),
    });
    await server.start();
    const base = `http://127.0.0.1:${server.port}`;
    try {
      const probe = await fetch(`${base}/healthz`);
      assert.deepEqual([probe.status, await probe.json()], [500, { ok: false }]);
      // Only GET was taken over: HEAD still meets the built-in probe.
      assert.equal((await fetch(`${base}/healthz`, { method: 'HEAD' })).status, 200);
      assert.equal((await fetch(`${base}/readyz`)).status, 200);
      const fault = await fetch(`${base}/fault?x=1`, { method: 'POST' });
      assert.deepEqual([fault.status, await fault.json()], [202, { done: true }]);
      assert.deepEqual(calls, ['/fault?x=1']);
      const missing = await fetch(`${base}/fault`, { method: 'PUT' });
      assert.deepEqual([missing.status, await missing.json()], [404, { error: 'no route PUT /fault' }]);
    } finally {
      await server.stop();
    }
  });
});
