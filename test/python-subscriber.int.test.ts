// The README's Python subscriber (examples/python/subscriber.py) run by Debian's python3 with its
// python3-paho-mqtt against a real broker: the bus is language-neutral. CI installs python3-paho-mqtt;
// without it the run skips with the install line (a failure under CI, support/system-tool.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ChildLines } from './support/child.ts';
import { FakeWatcher, nodeEvent, nodeState, podEvent, podState } from './support/cluster-fixtures.ts';
import { PlainBroker } from './support/plain-broker.ts';
import { needTool, PYTHON_PAHO, pythonWithPaho } from './support/system-tool.ts';
import { until } from './support/wait.ts';

const SCRIPT = new URL('../examples/python/subscriber.py', import.meta.url);
// The first python3 in PATH that has paho (Debian's /usr/bin/python3 after apt; a pyenv or venv
// python3 earlier in PATH may not have it).
const PYTHON = pythonWithPaho() ?? 'python3';
const skip = needTool(PYTHON_PAHO);

// Needs no Python: runs everywhere.
it('is the code the README shows, in under 15 lines', () => {
  const source = readFileSync(SCRIPT, 'utf8');
  const readme = readFileSync(new URL('../docs/adding-a-subscriber.md', import.meta.url), 'utf8');
  assert.ok(readme.includes(`\`\`\`python\n${source}\`\`\``), 'README shows examples/python/subscriber.py verbatim');
  assert.ok(source.trimEnd().split('\n').length < 15);
});

describe('the Python subscriber example', { skip }, () => {
  const broker = new PlainBroker();
  let watcher: FakeWatcher;
  let py: ChildLines;
  const acked: string[] = [];
  const subscribed: string[] = [];

  before(async () => {
    await broker.start();
    const aedes = broker.aedes!;
    aedes.authenticate = (_c, username, password, done) =>
      done(null, (username === 'reader' && password?.toString() === 'r-secret') || username === 'watcher');
    // A PUBACK from the script (Aedes does not keep the original packet of a clean session: count).
    aedes.on('ack', (_packet, client) => {
      if (client && !client.id.startsWith('fake-watcher')) acked.push(client.id);
    });
    aedes.on('subscribe', (subs, client) => {
      if (client && !client.id.startsWith('fake-watcher')) subscribed.push(...subs.map((s) => s.topic));
    });
    watcher = await FakeWatcher.connect(broker.url, 'c', { username: 'watcher' });
    await watcher.pod('n1', 'demo', 'web-1', podState('demo', 'web-1', 'n1'));
    await watcher.pod('n2', 'demo', 'web-2', podState('demo', 'web-2', 'n2'));
  });

  after(async () => {
    await py?.stop();
    await watcher?.close();
    await broker.stop();
  });

  it('keeps the pods from the retained states and prints every event', async () => {
    py = new ChildLines(PYTHON, [SCRIPT.pathname], {
      env: {
        ...process.env,
        KUBEBLINK_HOST: '127.0.0.1',
        KUBEBLINK_PORT: String(broker.port),
        KUBEBLINK_CLUSTER: 'c',
        KUBEBLINK_USERNAME: 'reader',
        KUBEBLINK_PASSWORD: 'r-secret',
      },
    });
    // Both retained states delivered (QoS 1: the client acknowledged them) before the first event.
    await until(() => acked.length === 2, `the script to receive both retained states (stderr: ${py.stderr})`);
    assert.deepEqual(subscribed.sort(), ['kubeblink/c/nodes/+/events', 'kubeblink/c/nodes/+/pods/+/+/state']);
    const web1 = podState('demo', 'web-1', 'n1', { restarts: 1, resourceVersion: '2' });
    await watcher.event(
      podEvent('io.kubeblink.pod.restarted', web1, { container: 'app', reason: 'Error', exitCode: 1, restartCount: 1 }),
    );
    await py.waitForLines(1);
    await watcher.pod('n2', 'demo', 'web-2', null);
    await until(() => acked.length === 3, 'the tombstone to reach the script');
    await watcher.event(podEvent('io.kubeblink.pod.deleted', podState('demo', 'web-2', 'n2')));
    await watcher.event(
      nodeEvent('io.kubeblink.node.notready', nodeState('n1', { status: 'NotReady', ready: 'False' })),
    );
    await py.waitForLines(3);
    assert.deepEqual(py.lines, [
      'pod.restarted demo/web-1 on n1 (2 pods)',
      'pod.deleted demo/web-2 on n2 (1 pods)',
      'node.notready n1 (1 pods)',
    ]);
  });
});
