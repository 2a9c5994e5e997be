// The Service proxy and the load generator on real sockets: two HTTP servers stand in for two
// pods' processes.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@kubeblink/core';
import { runLoad } from '@kubeblink/demo-app/load';
import type { V1Service } from '@kubernetes/client-node';
import { KUBEBLINK_BIN } from '../src/process.ts';
import { ENDPOINT_ANNOTATION, ENDPOINTS_ANNOTATION, ServiceProxies, selects } from '../src/service-proxy.ts';

function app(name: string): Promise<Server> {
  const s = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ pod: name }));
  });
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}
const portOf = (s: Server) => (s.address() as AddressInfo).port;

describe('Service proxy (kube-proxy for the runner pods)', () => {
  let a: Server;
  let b: Server;
  let ready: number[] = [];
  const annotated: Record<string, string | null>[] = [];
  const proxies = new ServiceProxies({
    backends: () => ready,
    annotate: async (_svc, ann) => {
      annotated.push(ann);
    },
    log: createLogger({ service: 'test', level: 'silent' }),
  });
  const svc: V1Service = {
    metadata: { name: 'web', namespace: 'demo', uid: 'u1' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };

  before(async () => {
    a = await app('web-a');
    b = await app('web-b');
  });
  after(async () => {
    await proxies.closeAll();
    for (const s of [a, b]) await new Promise((r) => s.close(r));
  });

  it('publishes a local address and spreads requests round-robin over the ready backends', async () => {
    ready = [portOf(a), portOf(b)];
    await proxies.sync(svc);
    const addr = proxies.address('demo', 'web');
    assert.match(addr ?? '', /^127\.0\.0\.1:\d+$/);
    assert.deepEqual(annotated, [{ [ENDPOINT_ANNOTATION]: addr, [ENDPOINTS_ANNOTATION]: null }]);
    const r = await runLoad({ url: addr ?? '', rps: 40, durationSeconds: 1 });
    assert.equal(r.failed, 0);
    assert.equal(r.ok, 40);
    assert.deepEqual(r.pods, { 'web-a': 20, 'web-b': 20 });
  });

  it('sends everything to the one ready backend, and refuses connections when none is ready', async () => {
    const addr = proxies.address('demo', 'web') ?? '';
    ready = [portOf(b)];
    assert.deepEqual((await runLoad({ url: addr, rps: 20, durationSeconds: 0.5 })).pods, { 'web-b': 10 });
    ready = [];
    const r = await runLoad({ url: addr, rps: 20, durationSeconds: 0.5 });
    assert.deepEqual({ ok: r.ok, failed: r.failed }, { ok: 0, failed: 10 });
  });

  it('keeps its address on a resync and drops the proxy when the selector goes', async () => {
    const addr = proxies.address('demo', 'web');
    const count = annotated.length;
    await proxies.sync({ ...svc, metadata: { ...svc.metadata, annotations: { [ENDPOINT_ANNOTATION]: addr ?? '' } } });
    assert.equal(proxies.address('demo', 'web'), addr);
    assert.equal(annotated.length, count);
    await proxies.sync({ ...svc, spec: { ...svc.spec, selector: undefined } });
    assert.equal(proxies.address('demo', 'web'), undefined);
  });

  it('`kubeblink load` prints who answered', async () => {
    ready = [portOf(a), portOf(b)];
    await proxies.sync(svc);
    const addr = proxies.address('demo', 'web') ?? '';
    // spawnSync would block this process's servers: run it asynchronously.
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [KUBEBLINK_BIN, 'load', '--url', addr, '--rps', '10', '--duration', '1'],
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      );
    });
    assert.deepEqual(JSON.parse(out), { sent: 10, ok: 10, failed: 0, skipped: 0, pods: { 'web-a': 5, 'web-b': 5 } });
    assert.equal(spawnSync(process.execPath, [KUBEBLINK_BIN, 'load'], { encoding: 'utf8' }).status, 2); // --url is required
  });

  it('matches selectors as Services do', () => {
    assert.equal(selects({ app: 'web' }, { app: 'web', 'kubeblink.io/runner': 'true' }), true);
    assert.equal(selects({ app: 'web', tier: 'x' }, { app: 'web' }), false);
    assert.equal(selects({}, { app: 'web' }), false);
  });
});
