// The TypeScript subscriber of docs/adding-a-subscriber.md (packages/kit/examples/subscriber.ts), run as its own process
// against a real broker: it prints the model after the sync, then what happens.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { until } from '@kubeblink/test/support/wait';

const EXAMPLE = new URL('../examples/subscriber.ts', import.meta.url);

describe('the subscriber example of docs/adding-a-subscriber.md', () => {
  const broker = new PlainBroker();
  let watcher: FakeWatcher;
  let child: ChildLines;

  before(async () => {
    await broker.start();
    broker.aedes!.authenticate = (_c, username, password, done) =>
      done(null, username === 'watcher' || (username === 'reader' && password?.toString() === 'r-secret'));
    watcher = await FakeWatcher.connect(broker.url, 'c', { username: 'watcher' });
    await watcher.node('n1', nodeState('n1'));
    await watcher.node('n2', nodeState('n2'));
    await watcher.pod('n1', 'demo', 'web-1', podState('demo', 'web-1', 'n1'));
    await watcher.pod('n1', 'demo', 'web-2', podState('demo', 'web-2', 'n1', { status: 'CrashLoopBackOff' }));
  });

  after(async () => {
    await child?.stop();
    await watcher?.close();
    await broker.stop();
  });

  it('is the code docs/adding-a-subscriber.md shows, in under 30 lines', () => {
    const source = readFileSync(EXAMPLE, 'utf8');
    const readme = readFileSync(new URL('../../../docs/adding-a-subscriber.md', import.meta.url), 'utf8');
    assert.ok(
      readme.includes(`\`\`\`ts\n${source}\`\`\``),
      'docs/adding-a-subscriber.md shows packages/kit/examples/subscriber.ts verbatim',
    );
    assert.ok(source.trimEnd().split('\n').length < 30);
  });

  it('prints the synced model, then events, signals and removals', async () => {
    child = new ChildLines(process.execPath, [fileURLToPath(EXAMPLE)], {
      env: {
        ...process.env,
        KUBEBLINK_BROKER: broker.url,
        KUBEBLINK_CLUSTER: 'c',
        KUBEBLINK_USERNAME: 'reader',
        KUBEBLINK_PASSWORD: 'r-secret',
      },
    });
    await child.waitForLines(2);
    const web1 = podState('demo', 'web-1', 'n1', { restarts: 1, resourceVersion: '2' });
    await watcher.event(
      podEvent('io.kubeblink.pod.restarted', web1, {
        container: 'app',
        reason: 'OOMKilled',
        exitCode: 137,
        restartCount: 1,
      }),
    );
    await child.waitForLines(3);
    await watcher.event(
      nodeEvent('io.kubeblink.node.notready', nodeState('n2', { status: 'NotReady', ready: 'False' })),
    );
    await child.waitForLines(4);
    // Signals are QoS 0: send until one is through, then count only the first line.
    await until(async () => {
      await watcher.signal(appSignal('io.kubeblink.app.request', web1, { method: 'GET', path: '/' }));
      return child.lines.length >= 5;
    }, 'a request line');
    await watcher.pod('n1', 'demo', 'web-2', null);
    await until(() => child.lines.some((l) => l.includes('is gone')), 'the removal line');
    assert.deepEqual(child.lines.slice(0, 5), [
      'n1 Ready: web-1 (Running), web-2 (CrashLoopBackOff)',
      'n2 Ready: ',
      'web-1 crashed on n1: OOMKilled, exit code 137',
      'node n2 is NotReady',
      'web-1 served GET /',
    ]);
    assert.equal(child.lines.at(-1), 'demo/web-2 is gone from n1');
  });
});
