// ServiceAccount tokens from the TokenRequest API of a real kube-apiserver (the simulated cluster),
// checked by the broker with real TokenReviews: a bound token of an app pod may publish only that
// pod's signals, and only under the node the review names; a token for another audience, an unbound token and an unmapped ServiceAccount are
// refused.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type SimCluster, startSim } from '@kubeblink/test/support/sim';
import { until } from '@kubeblink/test/support/wait';
import { startTestBroker, type TestBroker } from '../src/testing.ts';
import { client, signal, subscribe, type TestClient } from './helpers.ts';

const run = promisify(execFile);

const sim = await startSim({ nodes: 1 });
const skip = typeof sim === 'string' ? sim : false;

describe('ServiceAccount tokens on the simulated cluster', { skip }, () => {
  const cluster = sim as SimCluster;
  let b: TestBroker;
  let watcher: TestClient;
  const kubectl = async (...args: string[]) =>
    (await run(cluster.kubectl, args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig } })).stdout.trim();
  const token = (sa: string, ...extra: string[]) =>
    kubectl('create', 'token', sa, '-n', 'demo', '--duration', '10m', ...extra);
  const bound = (sa: string, pod: string, audience = 'kubeblink') =>
    token(sa, '--audience', audience, '--bound-object-kind', 'Pod', '--bound-object-name', pod);

  before(async () => {
    await kubectl('create', 'namespace', 'demo');
    await kubectl('create', 'serviceaccount', 'web', '-n', 'demo');
    await kubectl('create', 'serviceaccount', 'stranger', '-n', 'demo');
    for (const [pod, sa] of [
      ['web-1', 'web'],
      ['web-2', 'web'],
      ['odd-1', 'stranger'],
    ] as const) {
      await kubectl(
        'run',
        pod,
        '-n',
        'demo',
        '--image',
        'kubeblink/demo-app:1.0.0',
        `--overrides={"spec":{"serviceAccountName":"${sa}"}}`,
      );
    }
    b = await startTestBroker({
      users: [{ username: 'reader', password: 'reader-pw', role: 'reader' }],
      serviceAccounts: [{ namespace: 'demo', name: 'web', role: 'app' }],
      settings: { tokenAuth: 'on', kubeconfig: cluster.kubeconfig },
    });
    watcher = await client(b.url, { username: 'reader', password: 'reader-pw' });
    await subscribe(watcher, 'kubeblink/#');
  });
  after(async () => {
    await watcher?.end();
    await b?.stop();
    await cluster.stop();
  });

  it('a bound token of pod web-1 publishes web-1 signals, and is refused for web-2', async () => {
    const node = await until(
      () => kubectl('get', 'pod', 'web-1', '-n', 'demo', '-o', 'jsonpath={.spec.nodeName}'),
      'web-1 to be scheduled',
    );
    const password = await bound('web', 'web-1');
    const app = await client(b.url, { username: 'web-1', password });
    const own = signal('web-1', 'demo', node);
    app.client.publish(own.topic, own.payload);
    await until(() => watcher.received.some((m) => m.topic === own.topic && m.payload === own.payload), 'own signal');
    const other = signal('web-2', 'demo', node);
    app.client.publish(other.topic, other.payload);
    await until(() => app.closed(), 'the connection to be closed');
    assert.ok(!watcher.received.some((m) => m.topic === other.topic));
    assert.equal(await b.metric('kubeblink_broker_denials_total', { action: 'publish', reason: 'acl' }), 1);
    assert.equal(await b.metric('kubeblink_broker_token_reviews_total', { result: 'ok', cached: 'false' }), 1);
  });

  it("web-1's signals are accepted only under the node its review names (the pod's spec.nodeName)", async () => {
    const node = await kubectl('get', 'pod', 'web-1', '-n', 'demo', '-o', 'jsonpath={.spec.nodeName}');
    const app = await client(b.url, { username: 'web-1', password: await bound('web', 'web-1') });
    const own = signal('web-1', 'demo', node);
    app.client.publish(own.topic, own.payload);
    const delivered = () => watcher.received.filter((m) => m.topic === own.topic).length;
    await until(() => delivered() >= 2, 'its signal under its own node');
    const foreign = signal('web-1', 'demo', `${node}-not`);
    app.client.publish(foreign.topic, foreign.payload);
    await until(() => app.closed(), 'the connection to be closed');
    assert.ok(!watcher.received.some((m) => m.topic === foreign.topic));
    assert.equal(await b.metric('kubeblink_broker_denials_total', { action: 'publish', reason: 'signal_node' }), 1);
  });

  it('refuses a token for another audience, an unbound token and an unmapped ServiceAccount', async () => {
    const denied = (reason: string) => b.metric('kubeblink_broker_denials_total', { action: 'connect', reason });
    await assert.rejects(client(b.url, { username: 'x', password: await bound('web', 'web-1', 'other') }), { code: 4 });
    assert.equal(await denied('token_invalid'), 1);
    await assert.rejects(client(b.url, { username: 'x', password: await token('web', '--audience', 'kubeblink') }), {
      code: 4,
    });
    assert.equal(await denied('token_unbound'), 1);
    await assert.rejects(client(b.url, { username: 'x', password: await bound('stranger', 'odd-1') }), { code: 5 });
    assert.equal(await denied('token_unmapped'), 1);
  });
});
