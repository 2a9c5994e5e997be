// `kubeblink watcher` as users run it (the CLI, a child process) on a recording, through a real
// broker: /readyz turns 200 only after the first sync is published, /metrics counts, and SIGTERM
// leaves the cluster status `offline` (retained) and exits 0.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { retainedMessages } from '@kubeblink/test/support/mosquitto';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { tempDir } from './fixtures.ts';
import { writeRecording } from './recording-fixture.ts';
import { WatcherProcess } from './watcher-process.ts';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const broker = new PlainBroker();
let watcher: WatcherProcess | undefined;
let stderr = '';

before(async () => {
  await broker.start();
});
after(async () => {
  watcher?.child.kill('SIGKILL');
  await broker.stop();
});

test('kubeblink watcher --source recording: readyz after the first sync, metrics, offline on SIGTERM', {
  skip: needMosquitto,
}, async () => {
  const dir = tempDir('kubeblink-cli-');
  const file = join(dir, 'rec.jsonl');
  writeRecording(file);
  // What is asserted: /readyz answers 200 only once the status `ready` is retained on the broker.
  const w = await WatcherProcess.spawn(
    broker.url,
    ['--source', 'recording', '--recording', file, '--speed', '0', '--instance', 'watcher-cli', '--log-format', 'json'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  watcher = w;
  const { child } = w;
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  await until(async () => (await fetch(w.url('/healthz'))).status === 200, 'healthz', 20_000);
  await until(
    async () => {
      const ready = (await fetch(w.url('/readyz'))).status === 200;
      if (!ready) return false;
      // readiness implies the status `ready` is on the broker
      const status = (await retainedMessages(broker.port, 'kubeblink/default/status'))[0];
      assert.equal(JSON.parse(status?.payload ?? '{}').state, 'ready');
      return true;
    },
    'readyz 200',
    20_000,
  );
  const metrics = await (await fetch(w.url('/metrics'))).text();
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
  const { child: p } = await WatcherProcess.spawn(
    broker.url,
    ['--source', 'recording', '--recording', '/nonexistent/x.jsonl'],
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
