// Revocation takes effect (issue 15 point 4): a connected ServiceAccount-token client is re-checked
// with a real TokenReview of the simulated cluster when its cached review expires
// (--token-cache-seconds 1 here), so a deleted pod (which ends its bound tokens), a deleted
// ServiceAccount and a removed serviceAccounts mapping each end the live connection, counted by
// reason; a token that is still valid keeps its connection across its re-checks.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type SimCluster, startSim } from '@kubeblink/test/support/sim';
import { until } from '@kubeblink/test/support/wait';
import { startTestBroker, type TestBroker } from '../src/testing.ts';
import { client, type TestClient } from './helpers.ts';

const run = promisify(execFile);

const sim = await startSim({ nodes: 1 });
const skip = typeof sim === 'string' ? sim : false;

describe('token revocation on the simulated cluster', { skip }, () => {
  const cluster = sim as SimCluster;
  let b: TestBroker;
  const clients: TestClient[] = [];
  const kubectl = async (...args: string[]) =>
    (await run(cluster.kubectl, args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig } })).stdout.trim();
  const bound = (sa: string, pod: string) =>
    kubectl(
      'create',
      'token',
      sa,
      '-n',
      'demo',
      '--duration',
      '10m',
      '--audience',
      'kubeblink',
      '--bound-object-kind',
      'Pod',
      '--bound-object-name',
      pod,
    );
  const connectAs = async (sa: string, pod: string) => {
    const c = await client(b.url, { username: pod, password: await bound(sa, pod), clientId: `app-${pod}` });
    clients.push(c);
    return c;
  };
  const revoked = (reason: string) => b.metric('kubeblink_broker_token_revocations_total', { reason });
  const mappings = [
    { namespace: 'demo', name: 'web', role: 'app' as const },
    { namespace: 'demo', name: 'gone', role: 'app' as const },
    { namespace: 'demo', name: 'keep', role: 'app' as const },
  ];

  before(async () => {
    await kubectl('create', 'namespace', 'demo');
    for (const sa of ['web', 'gone', 'keep']) await kubectl('create', 'serviceaccount', sa, '-n', 'demo');
    for (const [pod, sa] of [
      ['web-1', 'web'],
      ['web-2', 'web'],
      ['gone-1', 'gone'],
      ['keep-1', 'keep'],
    ] as const) {
      const overrides = `--overrides={"spec":{"serviceAccountName":"${sa}"}}`;
      await kubectl('run', pod, '-n', 'demo', '--image', 'kubeblink/demo-app:1.0.0', overrides);
    }
    b = await startTestBroker({
      users: [],
      serviceAccounts: mappings,
      settings: { tokenAuth: 'on', kubeconfig: cluster.kubeconfig, tokenCacheSeconds: 1 },
    });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.end(true)));
    await b?.stop();
    await cluster.stop();
  });

  it('a valid token stays connected across its re-checks, each a fresh TokenReview', async () => {
    const keep = await connectAs('keep', 'keep-1');
    const fresh = () => b.metric('kubeblink_broker_token_reviews_total', { result: 'ok', cached: 'false' });
    const first = await fresh();
    await until(async () => (await fresh()) >= first + 2, 'two re-checks of keep-1', 20_000);
    assert.equal(keep.closed(), false);
    assert.ok(b.broker.hasClient('app-keep-1'));
  });

  it('deleting the pod its token is bound to ends the connection', async () => {
    const app = await connectAs('web', 'web-1');
    await kubectl('delete', 'pod', 'web-1', '-n', 'demo', '--grace-period=0', '--force');
    await until(() => app.closed(), 'web-1 to be disconnected', 20_000);
    assert.equal(await revoked('token_invalid'), 1);
    assert.equal(b.broker.hasClient('app-web-1'), false);
  });

  it('deleting the ServiceAccount ends the connection', async () => {
    const app = await connectAs('gone', 'gone-1');
    await kubectl('delete', 'serviceaccount', 'gone', '-n', 'demo');
    await until(() => app.closed(), 'gone-1 to be disconnected', 20_000);
    assert.equal(await revoked('token_invalid'), 2);
  });

  it('removing the mapping from the users file ends the connection at the reload', async () => {
    const app = await connectAs('web', 'web-2');
    await b.writeUsers(
      [],
      mappings.filter((m) => m.name !== 'web'),
    );
    await until(() => app.closed(), 'web-2 to be disconnected');
    assert.equal(await revoked('token_unmapped'), 1);
    // A new login with the same token is refused as well.
    await assert.rejects(client(b.url, { username: 'web-2', password: await bound('web', 'web-2') }), { code: 5 });
    assert.equal(clients.find((c) => !c.closed()) !== undefined, true, 'keep-1 is still connected');
  });
});
