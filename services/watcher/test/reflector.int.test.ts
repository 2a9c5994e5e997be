// The reflector against a scripted fake apiserver on a loopback port (plain HTTP): paged list,
// watch from the list's resourceVersion with bookmarks, the label selector on every request, 410
// Gone -> relist, and the watchdog restarting a silent watch from the newest resourceVersion.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createRegistry } from '@kubeblink/core';
import { KubeHttp } from '@kubeblink/kube/plain';
import { until } from '@kubeblink/test/support/wait';
import { pino } from 'pino';
import { Reflector } from '../src/source/reflector.ts';
import type { SourceEvent } from '../src/source/source-types.ts';
import { watcherMetrics } from '../src/watcher-metrics.ts';
import { tempDir } from './fixtures.ts';

type Handler = (url: URL, res: ServerResponse) => void;
const requests: URL[] = [];
const authorization: (string | undefined)[] = [];
const script: Handler[] = [];
let server: Server;
let port = 0;

const obj = (name: string, rv: string) => ({
  metadata: { name, namespace: 'demo', uid: `uid-${name}`, resourceVersion: rv },
});
const json = (res: ServerResponse, body: unknown) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const line = (res: ServerResponse, type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);

before(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url);
    authorization.push(req.headers.authorization);
    const next = script.shift();
    if (next) next(url, res);
    else res.writeHead(500).end('{"message":"script exhausted"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** A kubeconfig file (YAML) with a bearer token, read by the watcher's own loader. */
function kubeHttp(): Promise<KubeHttp> {
  const file = join(tempDir('kubeblink-kc-'), 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: ctx',
      'clusters:',
      `- name: fake\n  cluster:\n    server: http://127.0.0.1:${port}`,
      'users:',
      '- name: u\n  user:\n    token: secret-token',
      'contexts:',
      '- name: ctx\n  context:\n    cluster: fake\n    user: u',
      '',
    ].join('\n'),
  );
  return KubeHttp.load(file);
}

test('paged list, watch with bookmarks from the list version, 410 relists, watchdog restarts a silent watch', async () => {
  const emitted: string[] = [];
  const registry = createRegistry('watcher', false);
  const metrics = watcherMetrics(registry);
  let silentWatch: ServerResponse | undefined;
  script.push(
    (_, res) =>
      json(res, { metadata: { resourceVersion: '9', continue: 'page2' }, items: [obj('a', '5'), obj('b', '6')] }),
    (_, res) => json(res, { metadata: { resourceVersion: '10' }, items: [obj('c', '7')] }),
    (_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      line(res, 'ADDED', obj('d', '11'));
      line(res, 'BOOKMARK', { metadata: { resourceVersion: '12' } });
      line(res, 'ERROR', { kind: 'Status', code: 410, message: 'too old resource version: 12 (15)' });
      res.end();
    },
    (_, res) => json(res, { metadata: { resourceVersion: '20' }, items: [obj('a', '5'), obj('d', '11')] }),
    (_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      line(res, 'MODIFIED', obj('a', '21'));
      silentWatch = res; // then nothing at all: the watchdog must restart it
    },
    (_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      line(res, 'DELETED', obj('a', '22'));
    },
  );
  const reflector = new Reflector({
    kind: 'pods',
    path: '/api/v1/namespaces/demo/pods',
    labelSelector: 'app=web',
    pageSize: 2,
    watchTimeoutSeconds: 30,
    watchdogSeconds: 1,
    relistIntervalSeconds: 0,
    http: await kubeHttp(),
    emit: (e: SourceEvent) =>
      emitted.push(
        'object' in e ? `${e.type} ${e.object.metadata?.name}@${e.object.metadata?.resourceVersion}` : e.type,
      ),
    log: pino({ level: 'silent' }),
    metrics,
    backoff: { minMs: 50, maxMs: 200 },
  });
  reflector.start();
  try {
    await until(() => emitted.includes('DELETED a@22'), 'the whole script played', 20_000);
  } finally {
    await reflector.stop();
    silentWatch?.end();
  }
  assert.deepEqual(emitted, [
    'SYNC_START',
    'ADDED a@5',
    'ADDED b@6',
    'ADDED c@7',
    'SYNC_END',
    'ADDED d@11',
    'SYNC_START',
    'ADDED a@5',
    'ADDED d@11',
    'SYNC_END',
    'MODIFIED a@21',
    'DELETED a@22',
  ]);
  const q = (i: number) => Object.fromEntries(requests[i]?.searchParams ?? []);
  assert.deepEqual(q(0), { limit: '2', labelSelector: 'app=web' });
  assert.deepEqual(q(1), { limit: '2', continue: 'page2', labelSelector: 'app=web' });
  assert.equal(q(2).resourceVersion, '10');
  assert.equal(q(2).allowWatchBookmarks, 'true');
  assert.equal(q(2).watch, '1');
  assert.equal(q(2).labelSelector, 'app=web');
  assert.deepEqual(q(3), { limit: '2', labelSelector: 'app=web' }, 'relist after 410');
  assert.equal(q(4).resourceVersion, '20');
  assert.equal(q(5).resourceVersion, '21', 'the watchdog resumes from the newest version');
  assert.ok(
    authorization.every((a) => a === 'Bearer secret-token'),
    'the token is sent with every request',
  );
  const restarts = await registry.getSingleMetric('kubeblink_watcher_watch_restarts_total')?.get();
  const causes = Object.fromEntries((restarts?.values ?? []).map((v) => [v.labels.cause, v.value]));
  assert.deepEqual([causes.gone, causes.watchdog], [1, 1]);
  const relists = await registry.getSingleMetric('kubeblink_watcher_relists_total')?.get();
  assert.equal(relists?.values[0]?.value, 2);
});
