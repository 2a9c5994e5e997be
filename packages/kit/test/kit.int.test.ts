// The kit against a real broker (Aedes on real sockets), with Debian's mosquitto_sub as the independent
// judge of what is retained: after every change, deletes, a dropped connection and a broker that lost
// its state, the kit's live model equals the retained states.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { NodeEvent, PodEvent } from '@kubeblink/schemas';
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
import { type ModelChange, SubscriberKit } from '../src/index.ts';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const C = 'c';
const USERS: Record<string, string> = { reader: 'r-secret', watcher: 'w-secret' };
const READER = ['-u', 'reader', '-P', 'r-secret'];

/** The retained state topics as mosquitto_sub sees them: topic -> parsed payload. */
async function retainedStates(port: number): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const m of await retainedMessages(port, `kubeblink/${C}/#`, READER)) out[m.topic] = JSON.parse(m.payload);
  return out;
}

async function modelMatchesBroker(kit: SubscriberKit, port: number, what: string): Promise<void> {
  let last: unknown;
  await until(
    async () => {
      last = await retainedStates(port);
      return isDeepStrictEqual(kit.model.toTopics(), last);
    },
    `${what}: model ${JSON.stringify(Object.keys(kit.model.toTopics()))} to equal retained ${JSON.stringify(Object.keys(last ?? {}))}`,
    20_000,
  );
}

describe('subscriber kit against a real broker', { skip: needMosquitto }, () => {
  const broker = new PlainBroker({ ws: true });
  let watcher: FakeWatcher;
  let kit: SubscriberKit;
  const restarted: PodEvent[] = [];
  const nodeEvents: NodeEvent[] = [];
  const changes: ModelChange[] = [];
  const errors: unknown[] = [];
  const invalid: string[] = [];

  const requireAuth = () => {
    broker.aedes!.authenticate = (_client, username, password, done) =>
      done(null, !!username && USERS[username] === password?.toString());
  };

  before(async () => {
    await broker.start();
    requireAuth();
    watcher = await FakeWatcher.connect(broker.url, C, { username: 'watcher', password: 'w-secret' });
    await watcher.status('syncing');
    for (const n of ['n1', 'n2', 'n3']) await watcher.node(n, nodeState(n));
    await watcher.pod('n1', 'demo', 'web-1', podState('demo', 'web-1', 'n1'));
    await watcher.pod('n2', 'demo', 'web-2', podState('demo', 'web-2', 'n2'));
    await watcher.pod('n3', 'demo', 'db-0', podState('demo', 'db-0', 'n3'));
    await watcher.pod(null, 'demo', 'pending-1', podState('demo', 'pending-1', null));
    await watcher.status('ready');
    kit = new SubscriberKit({
      url: broker.url,
      cluster: C,
      username: 'reader',
      password: () => 'r-secret',
      clientId: 'kit-under-test',
      reconnectMs: 300,
      settleMs: 300,
      onError: (err) => errors.push(err),
      onInvalid: (topic, reason) => invalid.push(`${topic}: ${reason}`),
    });
    kit.on('io.kubeblink.pod.restarted', (e) => {
      restarted.push(e);
    });
    kit.on('io.kubeblink.node.*', (e) => {
      nodeEvents.push(e);
    });
    kit.model.onChange((c) => changes.push(c));
    kit.start();
    await kit.synced();
  });

  after(async () => {
    await kit?.stop();
    await watcher?.close();
    await broker.stop();
  });

  it('holds exactly the retained states after the first sync', async () => {
    assert.equal(kit.model.nodes().length, 3);
    assert.deepEqual(
      kit.model.pods().map((p) => p.name),
      ['db-0', 'pending-1', 'web-1', 'web-2'],
    );
    assert.equal(kit.model.status?.state, 'ready');
    await modelMatchesBroker(kit, broker.port, 'first sync');
  });

  it('follows updates, moves, deletes and node changes, with typed events', async () => {
    const web1 = podState('demo', 'web-1', 'n1', { restarts: 1, resourceVersion: '2', status: 'Running' });
    await watcher.pod('n1', 'demo', 'web-1', web1);
    const crash = podEvent('io.kubeblink.pod.restarted', web1, {
      container: 'app',
      reason: 'Error',
      exitCode: 3,
      restartCount: 1,
    });
    await watcher.event(crash);
    await watcher.event(crash); // a QoS 1 redelivery: same id, dropped
    // pending-1 is scheduled: its state moves from the _unscheduled topic to n2's.
    await watcher.pod('n2', 'demo', 'pending-1', podState('demo', 'pending-1', 'n2'));
    await watcher.pod(null, 'demo', 'pending-1', null);
    // web-2 is deleted: the event removes it at once, the tombstone clears the retained state.
    const web2 = podState('demo', 'web-2', 'n2');
    await watcher.event(podEvent('io.kubeblink.pod.deleted', web2));
    await watcher.pod('n2', 'demo', 'web-2', null);
    // n3 is cordoned, then deleted with its pod.
    const n3 = nodeState('n3', { unschedulable: true, status: 'Ready,SchedulingDisabled', resourceVersion: '2' });
    await watcher.node('n3', n3);
    await watcher.event(nodeEvent('io.kubeblink.node.cordoned', n3));
    await watcher.pod('n3', 'demo', 'db-0', null);
    await watcher.node('n3', null);
    await watcher.event(nodeEvent('io.kubeblink.node.deleted', n3));
    // Garbage is refused and counted, never applied.
    await watcher.raw(`kubeblink/${C}/nodes/n1/pods/demo/web-1/state`, '{not json', false);
    await watcher.raw(`kubeblink/${C}/nodes/n1/events`, JSON.stringify({ specversion: '1.0' }), false);

    await modelMatchesBroker(kit, broker.port, 'after changes');
    await until(() => nodeEvents.length === 2, 'two node events');
    assert.deepEqual(
      nodeEvents.map((e) => e.type),
      ['io.kubeblink.node.cordoned', 'io.kubeblink.node.deleted'],
    );
    assert.equal(restarted.length, 1, 'the duplicate event was dropped');
    assert.equal(restarted[0]?.data.exitCode, 3);
    assert.equal(kit.model.pod('demo', 'web-1')?.restarts, 1);
    assert.equal(kit.model.pod('demo', 'pending-1')?.node, 'n2');
    assert.equal(kit.model.pods('_unscheduled').length, 0);
    assert.deepEqual(
      kit.model.nodes().map((n) => n.name),
      ['n1', 'n2'],
    );
    assert.equal(kit.stats.invalid, 2);
    assert.match(invalid[0] ?? '', /web-1\/state: not JSON/);
    const web2Removed = changes.filter((c) => c.kind === 'pod' && c.name === 'web-2' && !c.after);
    assert.equal(web2Removed.length, 1, 'web-2 removed once (by the event; the tombstone found nothing left)');
    assert.deepEqual(errors, []);
  });

  it('resyncs after a dropped connection: a state deleted while away is gone', async () => {
    const connects = kit.stats.connects;
    const client = (broker.aedes as unknown as { clients: Record<string, { close(): void }> }).clients[
      'kit-under-test'
    ];
    assert.ok(client, 'the kit is connected under its client id');
    client.close();
    await until(() => !kit.connected, 'the kit to notice the dropped connection');
    // While the kit is away (no session): web-1 is deleted, web-3 appears.
    await watcher.pod('n1', 'demo', 'web-1', null);
    await watcher.pod('n1', 'demo', 'web-3', podState('demo', 'web-3', 'n1'));
    assert.equal(kit.connected, false, 'the changes happened while the kit was disconnected');
    await until(() => kit.stats.connects > connects, 'the kit to reconnect');
    await kit.synced();
    assert.equal(kit.model.pod('demo', 'web-1'), undefined);
    assert.equal(kit.model.pod('demo', 'web-3')?.node, 'n1');
    await modelMatchesBroker(kit, broker.port, 'after a reconnect');
  });

  it('resyncs after the broker lost every retained message and the watcher republished', async () => {
    const connects = kit.stats.connects;
    await watcher.close();
    await broker.stop();
    await broker.start();
    requireAuth();
    watcher = await FakeWatcher.connect(broker.url, C, { username: 'watcher', password: 'w-secret' });
    await watcher.status('syncing');
    await watcher.node('n1', nodeState('n1'));
    await watcher.node('n4', nodeState('n4'));
    await watcher.pod('n4', 'demo', 'web-3', podState('demo', 'web-3', 'n4'));
    await watcher.status('ready');
    await until(() => kit.stats.connects > connects, 'the kit to reconnect to the restarted broker', 30_000);
    await kit.synced();
    await modelMatchesBroker(kit, broker.port, 'after a broker restart');
    assert.deepEqual(
      kit.model.nodes().map((n) => n.name),
      ['n1', 'n4'],
    );
    assert.deepEqual(
      kit.model.pods().map((p) => `${p.node}/${p.name}`),
      ['n4/web-3'],
    );
  });

  it('connects over WebSocket with the same model and typed signals', async () => {
    const ws = new SubscriberKit({
      url: broker.wsUrl,
      cluster: C,
      username: 'reader',
      password: 'r-secret',
      settleMs: 300,
      onError: (err) => errors.push(err),
    });
    const requests: string[] = [];
    ws.onSignal('request', (s) => {
      requests.push(`${s.data.pod} ${s.data.statusCode}`);
    });
    ws.start();
    try {
      await ws.synced();
      await modelMatchesBroker(ws, broker.port, 'over WebSocket');
      const web3 = kit.model.pod('demo', 'web-3')!;
      // QoS 0 and the subscription may still be settling: publish until one arrives.
      await until(async () => {
        await watcher.signal(appSignal('io.kubeblink.app.request', web3, { statusCode: 200 }));
        return requests.length > 0;
      }, 'a request signal over WebSocket');
      assert.equal(requests[0], 'web-3 200');
      assert.deepEqual(errors, []);
    } finally {
      await ws.stop();
    }
  });

  it('with a persistent session, receives the events queued while it was away', async () => {
    const missed: string[] = [];
    const persistent = new SubscriberKit({
      url: broker.url,
      cluster: C,
      username: 'reader',
      password: 'r-secret',
      clientId: 'kit-persistent',
      clean: false,
      reconnectMs: 300,
      settleMs: 300,
      onError: (err) => errors.push(err),
    });
    persistent.on('io.kubeblink.pod.*', (e) => {
      missed.push(`${e.type} ${e.data.name}`);
    });
    const sessions: boolean[] = [];
    persistent.onConnection((s) => {
      if (s.connected) sessions.push(s.sessionPresent === true);
    });
    persistent.start();
    try {
      await persistent.synced();
      const clients = (broker.aedes as unknown as { clients: Record<string, { close(): void }> }).clients;
      clients['kit-persistent']!.close();
      await until(() => !persistent.connected, 'the persistent kit to be disconnected');
      const web3 = podState('demo', 'web-3', 'n4', { restarts: 1, resourceVersion: '7' });
      await watcher.event(
        podEvent('io.kubeblink.pod.restarted', web3, {
          container: 'app',
          reason: 'Error',
          exitCode: 2,
          restartCount: 1,
        }),
      );
      assert.equal(persistent.connected, false, 'the event was published while the kit was away');
      await until(() => missed.length === 1, 'the queued event after the reconnect');
      assert.deepEqual(missed, ['io.kubeblink.pod.restarted web-3']);
      assert.deepEqual(sessions, [false, true], 'the second connection found its session');
      await persistent.synced();
      await modelMatchesBroker(persistent, broker.port, 'after a reconnect with a session');
    } finally {
      await persistent.stop();
    }
  });

  it('reports a wrong password instead of connecting', async () => {
    const seen: unknown[] = [];
    const bad = new SubscriberKit({
      url: broker.url,
      cluster: C,
      username: 'reader',
      password: 'wrong',
      reconnectMs: 60_000,
      onError: (err) => seen.push(err),
    }).start();
    try {
      await until(() => seen.length > 0, 'a connection error');
      assert.match(String(seen[0]), /Not authorized|Bad username or password/i);
      assert.equal(bad.connected, false);
    } finally {
      await bad.stop();
    }
  });
});
