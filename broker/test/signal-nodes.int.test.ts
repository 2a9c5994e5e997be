// Signals carry the truth (issue 15 point 5), on real sockets: an app's signals are accepted only
// under the node its pod runs on — the node of its token's review, or the `pod.node` of its
// users-file entry — refused under any other (counted as reason signal_node, the connection closed,
// MQTT-3.3.5-2), and refused altogether when the broker knows no node for it. --token-cluster limits
// token apps to their own cluster. An admin may publish under every node.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { until } from '@kubeblink/test/support/wait';
import { startTestBroker, type TestBroker } from '../src/testing.ts';
import { NODE_NAME_EXTRA, POD_NAME_EXTRA, POD_UID_EXTRA, type ReviewStatus } from '../src/tokens.ts';
import { client, signal, subscribe, type TestClient } from './helpers.ts';

const jwt = (sub: string) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub })).toString('base64url')}.c2ln`;
const review = (pod: string, node?: string): ReviewStatus => ({
  authenticated: true,
  audiences: ['kubeblink'],
  user: {
    username: 'system:serviceaccount:demo:web',
    extra: { [POD_NAME_EXTRA]: [pod], [POD_UID_EXTRA]: [`uid-${pod}`], ...(node ? { [NODE_NAME_EXTRA]: [node] } : {}) },
  },
});
const TOKENS: Record<string, ReviewStatus> = {
  [jwt('web-1')]: review('web-1', 'pi-1'),
  [jwt('old-k8s')]: review('web-3'),
};

/** A signal of `pod` under `node` of cluster `cluster` (helpers' signal() is in cluster default). */
function signalIn(cluster: string, pod: string, node: string) {
  const s = signal(pod, 'demo', node);
  return { ...s, topic: s.topic.replace('kubeblink/default/', `kubeblink/${cluster}/`) };
}

describe('app signals only under their own node', () => {
  let b: TestBroker;
  let reader: TestClient;
  const refusals = () => b.metric('kubeblink_broker_denials_total', { action: 'publish', reason: 'signal_node' });
  const seen = (s: { topic: string; payload: string }) =>
    reader.received.some((m) => m.topic === s.topic && m.payload === s.payload);

  /** Publishes `own` (delivered), then `foreign` (connection closed, never delivered, counted). */
  async function ownThenForeign(
    login: object,
    own: { topic: string; payload: string } | undefined,
    foreign: { topic: string; payload: string },
  ) {
    const before = await refusals();
    const app = await client(b.url, login);
    if (own) {
      app.client.publish(own.topic, own.payload);
      await until(() => seen(own), `its own signal ${own.topic}`);
    }
    app.client.publish(foreign.topic, foreign.payload);
    await until(() => app.closed(), 'the connection to be closed');
    assert.equal(await refusals(), before + 1);
    assert.equal(seen(foreign), false);
  }

  before(async () => {
    b = await startTestBroker({
      users: [
        { username: 'reader', password: 'reader-pw', role: 'reader' },
        { username: 'admin', password: 'admin-pw', role: 'admin' },
        { username: 'web-2', password: 'pw', role: 'app', pod: { namespace: 'demo', name: 'web-2', node: 'pi-2' } },
        { username: 'nodeless', password: 'pw', role: 'app', pod: { namespace: 'demo', name: 'web-4' } },
        { username: 'any-node', password: 'pw', role: 'app', pod: { namespace: 'demo', name: '*', node: '*' } },
      ],
      serviceAccounts: [{ namespace: 'demo', name: 'web', role: 'app' }],
      reviewer: async (token) => TOKENS[token] ?? { authenticated: false, error: 'unknown token' },
      settings: { tokenCluster: 'room' },
    });
    reader = await client(b.url, { username: 'reader', password: 'reader-pw' });
    await subscribe(reader, 'kubeblink/#');
  });
  after(async () => {
    await reader?.end();
    await b?.stop();
  });

  it("a token app: accepted under its review's node, refused under another", async () => {
    await ownThenForeign(
      { username: 'x', password: jwt('web-1') },
      signalIn('room', 'web-1', 'pi-1'),
      signalIn('room', 'web-1', 'pi-2'),
    );
  });

  it('a token app is limited to --token-cluster', async () => {
    const before = await b.metric('kubeblink_broker_denials_total', { action: 'publish', reason: 'acl' });
    const app = await client(b.url, { username: 'x', password: jwt('web-1') });
    const elsewhere = signalIn('other', 'web-1', 'pi-1');
    app.client.publish(elsewhere.topic, elsewhere.payload);
    await until(() => app.closed(), 'the connection to be closed');
    assert.equal(await b.metric('kubeblink_broker_denials_total', { action: 'publish', reason: 'acl' }), before + 1);
    assert.equal(seen(elsewhere), false);
  });

  it("a users-file app: accepted under its entry's node, refused under another", async () => {
    await ownThenForeign(
      { username: 'web-2', password: 'pw' },
      signal('web-2', 'demo', 'pi-2'),
      signal('web-2', 'demo', 'pi-1'),
    );
  });

  it('no node known (an entry without pod.node, a token without the node claim): every signal is refused', async () => {
    await ownThenForeign({ username: 'nodeless', password: 'pw' }, undefined, signal('web-4', 'demo', 'pi-1'));
    await ownThenForeign({ username: 'y', password: jwt('old-k8s') }, undefined, signalIn('room', 'web-3', 'pi-1'));
  });

  it("an entry naming node '*' and an admin publish under any node", async () => {
    const any = await client(b.url, { username: 'any-node', password: 'pw' });
    const admin = await client(b.url, { username: 'admin', password: 'admin-pw' });
    const a = signal('web-9', 'demo', 'pi-7');
    const w = signal('web-8', 'demo', 'pi-5');
    any.client.publish(a.topic, a.payload);
    admin.client.publish(w.topic, w.payload);
    await until(() => seen(a) && seen(w), 'both signals');
    assert.equal(any.closed() || admin.closed(), false);
    await any.end();
    await admin.end();
  });
});
