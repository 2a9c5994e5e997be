// `kubeblink watcher` as users run it (the CLI, a child process) on a recording, through a real
// broker: /readyz turns 200 only after the first sync is published, /metrics counts, and SIGTERM
// leaves the cluster status `offline` (retained) and exits 0.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '@kubeblink/core';
import { retainedMessages } from '@kubeblink/test/support/mosquitto';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { until } from '@kubeblink/test/support/wait';
import { tempDir } from './fixtures.ts';
import { writeRecording } from './recording-fixture.ts';

const CLI = new URL('../../cli/bin/kubeblink.js', import.meta.url).pathname;

const broker = new PlainBroker();
let child: ChildProcess | undefined;
let stderr = '';

before(async () => {
  await broker.start();
});
after(async () => {
  child?.kill('SIGKILL');
  await broker.stop();
});

test('kubeblink watcher --source recording: readyz after the first sync, metrics, offline on SIGTERM', async () => {
  const dir = tempDir('kubeblink-cli-');
  const file = join(dir, 'rec.jsonl');
  writeRecording(file);
  const httpPort = await freePort();
  // What is asserted: /readyz answers 200 only once the status `ready` is retained on the broker.
  child = spawn(
    process.execPath,
    [
      CLI,
      'watcher',
      '--broker',
      broker.url,
      '--source',
      'recording',
      '--recording',
      file,
      '--speed',
      '0',
      '--http-port',
      String(httpPort),
      '--http-host',
      '127.0.0.1',
      '--instance',
      'watcher-cli',
      '--log-format',
      'json',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = (p: string) => `http://127.0.0.1:${httpPort}${p}`;
  await until(async () => (await fetch(url('/healthz'))).status === 200, 'healthz', 20_000);
  await until(
    async () => {
      const ready = (await fetch(url('/readyz'))).status === 200;
      if (!ready) return false;
      // readiness implies the status `ready` is on the broker
      const status = (await retainedMessages(broker.port, 'kubeblink/default/status'))[0];
      assert.equal(JSON.parse(status?.payload ?? '{}').state, 'ready');
      return true;
    },
    'readyz 200',
    20_000,
  );
  const metrics = await (await fetch(url('/metrics'))).text();
  assert.match(metrics, /kubeblink_watcher_events_total\{type="io.kubeblink.pod.deleted",service="watcher"\} 1/);
  assert.match(metrics, /kubeblink_watcher_ready\{service="watcher"\} 1/);
  assert.match(metrics, /kubeblink_watcher_seconds_since_last_watch_event\{service="watcher"\} \d/);
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, stderr);
  const status = (await retainedMessages(broker.port, 'kubeblink/default/status'))[0];
  assert.deepEqual([status?.retained, JSON.parse(status?.payload ?? '{}').state], [true, 'offline']);
});

test('kubeblink watcher with a missing recording fails with a clear message', async () => {
  const p = spawn(
    process.execPath,
    [
      CLI,
      'watcher',
      '--broker',
      broker.url,
      '--source',
      'recording',
      '--recording',
      '/nonexistent/x.jsonl',
      '--http-port',
      '0',
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  p.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const [code] = await once(p, 'exit');
  assert.notEqual(code, 0);
  assert.match(err, /ENOENT|no such file/);
});
