// `kubeblink sound --dry-run`, the real command in its own process, against a real broker: a scripted
// event sequence (a burst, a storm, a duplicate, an event type that is off) prints exactly these lines.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ChildLines } from '@kubeblink/test/support/child';
import {
  appSignal,
  FakeWatcher,
  nodeEvent,
  nodeState,
  podEvent,
  podState,
} from '@kubeblink/test/support/cluster-fixtures';
import { retainedMessages } from '@kubeblink/test/support/mosquitto';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const BIN = fileURLToPath(new URL('../../cli/bin/kubeblink.js', import.meta.url));

describe('kubeblink sound --dry-run', { skip: needMosquitto }, () => {
  const broker = new PlainBroker();
  let watcher: FakeWatcher;
  let sound: ChildLines | undefined;
  const subscribed = new Map<string, string[]>();

  before(async () => {
    await broker.start();
    broker.aedes!.on('subscribe', (subs, client) => {
      if (client) subscribed.set(client.id, [...(subscribed.get(client.id) ?? []), ...subs.map((s) => s.topic)]);
    });
    watcher = await FakeWatcher.connect(broker.url, 'c');
  });

  after(async () => {
    await sound?.stop();
    await watcher?.close();
    await broker.stop();
  });

  const start = async (instance: string, extra: string[] = []) => {
    sound = new ChildLines(process.execPath, [
      BIN,
      'sound',
      '--dry-run',
      '--broker',
      broker.url,
      '--cluster',
      'c',
      '--instance',
      instance,
      '--http-port',
      '0',
      '--log-format',
      'json',
      ...extra,
    ]);
    await until(
      () => subscribed.get(instance)?.includes('kubeblink/c/nodes/+/events'),
      `the sound service to subscribe (stderr: ${sound?.stderr})`,
      30_000,
    );
    return sound;
  };

  it('prints a burst, coalesces a storm into summaries, drops duplicates and stays silent for requests', async () => {
    // 3 back to back, then one every 3 s: the storm below is published well within those 3 s.
    const s = await start('sound-test-1', ['--burst', '3', '--per-minute', '20']);
    const web1 = podState('demo', 'web-1', 'pi3-worker-1', { resourceVersion: '5' });
    await watcher.event(nodeEvent('io.kubeblink.node.notready', nodeState('pi3-worker-2')));
    const crash = podEvent('io.kubeblink.pod.restarted', web1, {
      container: 'app',
      reason: 'Error',
      exitCode: 1,
      restartCount: 1,
    });
    await watcher.event(crash);
    await watcher.event(crash); // a redelivery: same id, dropped by the kit
    await watcher.signal(appSignal('io.kubeblink.app.request', web1)); // off by default (not even subscribed)
    await watcher.event(podEvent('io.kubeblink.pod.ready', podState('demo', 'web-2', 'pi3-worker-1')));
    for (let i = 3; i <= 8; i++) {
      const pod = podState('demo', `web-${i}`, 'pi3-worker-1');
      await watcher.event(
        podEvent('io.kubeblink.pod.restarted', pod, {
          container: 'app',
          reason: 'OOMKilled',
          exitCode: 137,
          restartCount: 1,
        }),
      );
    }
    const loop = podState('demo', 'web-3', 'pi3-worker-1', { resourceVersion: '9' });
    await watcher.event(podEvent('io.kubeblink.pod.crashloop', loop, { container: 'app', reason: 'CrashLoopBackOff' }));
    await s.waitForLines(5, 60_000);
    assert.deepEqual(s.lines, [
      'say: node pi3-worker-2 is not ready',
      'say: web-1 crashed on pi3-worker-1',
      'tone: 660 Hz 70 ms, 880 Hz 110 ms',
      'say: 6 pods crashed',
      'say: web-3 is in a crash loop',
    ]);
    assert.deepEqual(subscribed.get('sound-test-1')?.sort(), [
      'kubeblink/c/nodes/+/events',
      'kubeblink/c/nodes/+/pods/+/+/state',
      'kubeblink/c/nodes/+/state',
      'kubeblink/c/status',
    ]);
    // It is a service like the others: its status is retained while it runs, cleared on SIGTERM.
    const status = await retainedMessages(broker.port, 'kubeblink/c/services/sound/sound-test-1/status');
    assert.equal(JSON.parse(status[0]?.payload ?? '{}').state, 'online');
    await s.stop();
    assert.equal(s.exitCode, 0);
    assert.deepEqual(await retainedMessages(broker.port, 'kubeblink/c/services/sound/#'), []);
  });

  it('follows a mapping file: request tones, a muted type', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sound-int-'));
    const file = join(dir, 'sounds.yaml');
    writeFileSync(
      file,
      'io.kubeblink.app.request: { tone: [{ hz: 1760, ms: 20 }] }\nio.kubeblink.node.notready: { off: true }\n',
    );
    const s = await start('sound-test-2', ['--sounds', file, '--burst', '10']);
    // A mapping that plays a signal type subscribes to the signals too (last, after the events).
    await until(() => subscribed.get('sound-test-2')?.includes('kubeblink/c/nodes/+/pods/+/+/signals'), 'signals');
    await watcher.event(nodeEvent('io.kubeblink.node.notready', nodeState('pi3-worker-1', { resourceVersion: '7' })));
    await watcher.signal(appSignal('io.kubeblink.app.request', podState('demo', 'web-1', 'pi3-worker-1')));
    await watcher.event(nodeEvent('io.kubeblink.node.ready', nodeState('pi3-worker-1', { resourceVersion: '8' })));
    await s.waitForLines(2);
    assert.deepEqual(s.lines, ['tone: 1760 Hz 20 ms', 'say: node pi3-worker-1 is ready']);
  });

  it('refuses a bad mapping file with exit code 2 and the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sound-int-'));
    const file = join(dir, 'sounds.yaml');
    writeFileSync(file, 'io.kubeblink.pod.exploded: { say: boom }\n');
    const s = new ChildLines(process.execPath, [BIN, 'sound', '--dry-run', '--sounds', file, '--http-port', '0']);
    await until(() => s.exitCode !== undefined, 'the command to exit', 30_000);
    assert.equal(s.exitCode, 2);
    assert.match(
      s.stderr,
      /sound mapping .*sounds\.yaml: unknown event type\(s\) io\.kubeblink\.pod\.exploded; known: io\.kubeblink\.pod\.scheduled, /,
    );
  });
});
