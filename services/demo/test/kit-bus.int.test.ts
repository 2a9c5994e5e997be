// The demo's bus view against a real broker: the kit fed by a BusClient made from the demo's settings.
// It must work as an anonymous reader (`kubeblink up`'s broker lets anonymous clients only read, and a
// publish it refuses would disconnect the demo), and with a password file as the services read it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestBroker, type TestBroker } from '@kubeblink/broker/testing';
import { BusClient, createRegistry, silentLogger } from '@kubeblink/core';
import { nodeState, podState } from '@kubeblink/test/support/cluster-fixtures';
import { KitBus } from '../src/kit-bus.ts';

const C = 'c';
const NS = 'kubeblink-demo-crash-restart';

describe('the demo bus (KitBus)', () => {
  let broker: TestBroker;
  let watcher: BusClient;
  const dir = mkdtempSync(join(tmpdir(), 'kubeblink-demo-bus-'));

  before(async () => {
    broker = await startTestBroker({
      users: [
        { username: 'watcher', password: 'pw', role: 'watcher' },
        { username: 'presenter', password: 'secret', role: 'reader' },
      ],
      settings: { allowAnonymousRead: true },
    });
    watcher = new BusClient({
      url: broker.url,
      cluster: C,
      instance: 'watcher-demo-bus',
      identity: { kind: 'watcher' },
      role: 'watcher',
      username: 'watcher',
      password: 'pw',
      log: silentLogger(),
      registry: createRegistry('watcher', false),
    });
    await watcher.start();
    await watcher.publish({ kind: 'clusterStatus', cluster: C }, { state: 'ready', cluster: C, watcher: 'w' });
    await watcher.publish({ kind: 'nodeState', cluster: C, node: 'n1' }, nodeState('n1'));
    for (const [namespace, name] of [
      [NS, 'web-1'],
      ['default', 'other'],
    ] as const) {
      const parts = { kind: 'podState', cluster: C, node: 'n1', namespace, pod: name } as const;
      await watcher.publish(parts, podState(namespace, name, 'n1'));
    }
  });

  after(async () => {
    await watcher.stop();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the retained states as an anonymous reader, publishing nothing', async () => {
    const bus = new KitBus({ broker: broker.url, cluster: C }, NS);
    try {
      assert.equal(await bus.ready(10_000), 'ready');
      assert.deepEqual(
        bus.pods().map((p) => `${p.namespace}/${p.name}`),
        [`${NS}/web-1`],
      );
      assert.deepEqual(
        bus.nodes().map((n) => n.name),
        ['n1'],
      );
      // The status publish would come before the retained burst on the same connection: had there
      // been one, the broker would have refused (and counted) it by now.
      assert.equal(await broker.metric('kubeblink_broker_denials_total', { action: 'publish', reason: 'acl' }), 0);
    } finally {
      await bus.stop();
    }
  });

  it('logs in with the password file, as the services do', async () => {
    const file = join(dir, 'password');
    writeFileSync(file, 'secret\n');
    const bus = new KitBus({ broker: broker.url, cluster: C, username: 'presenter', passwordFile: file }, NS);
    try {
      assert.equal(await bus.ready(10_000), 'ready');
      assert.equal(bus.node('n1')?.status, 'Ready');
    } finally {
      await bus.stop();
    }
  });
});
