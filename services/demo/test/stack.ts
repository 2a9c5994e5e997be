// Everything the demos need, in this process, as `kubeblink sim up` plus the services would run it:
// a simulated cluster (2 workers), the kubeblink broker with the users and ServiceAccount mapping of
// deploy/base (app pods log in with their bound tokens, checked by TokenReview), the pod runner, the
// watcher, one LED service per node on the virtual board (GET /leds), and a reader recording every event.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '@kubeblink/broker/testing';
import { BusClient, Controller, createRegistry, loadSettings, silentLogger } from '@kubeblink/core';
import { connectKit, type SubscriberKit } from '@kubeblink/kit';
import { LedService } from '@kubeblink/led';
import type { LedSnapshot } from '@kubeblink/led-engine';
import { type RunningPodRunner, startPodRunner } from '@kubeblink/pod-runner';
import type { BrokerUsers, ClusterEvent } from '@kubeblink/schemas';
import { type SimCluster, startSim } from '@kubeblink/test/support/sim';
import { until } from '@kubeblink/test/support/wait';
import { createSource, Pipeline, watcherMetrics } from '@kubeblink/watcher';
import { parse } from 'yaml';

export const CLUSTER = 'default';

/** GET /leds of an LED service (LedService's picture: the engine's snapshot plus the node). */
export type LedPicture = LedSnapshot & { node: string };
const PW = 'pw';

export interface Stack {
  sim: SimCluster;
  broker: TestBroker;
  runner: RunningPodRunner;
  /** node name -> its LED service (talk on the control plane and the first worker, compact on the second). */
  leds: Map<string, LedService>;
  kit: SubscriberKit;
  /** Every cluster event the reader saw, in order. */
  events: ClusterEvent[];
  /** The demo command's own bus credentials (a reader, as a presenter's laptop would have). */
  demoUser: { username: string; password: string };
  pictures(): Promise<Map<string, LedPicture>>;
  stop(): Promise<void>;
}

/** deploy/base/broker-users.yaml's ServiceAccount mapping: the demo namespaces get role app there. */
function deployedServiceAccounts(): NonNullable<BrokerUsers['serviceAccounts']> {
  const file = new URL('../../../deploy/base/broker-users.yaml', import.meta.url);
  return (parse(readFileSync(file, 'utf8')) as BrokerUsers).serviceAccounts ?? [];
}

async function startWatcher(kubeconfig: string, broker: string): Promise<Controller> {
  const settings = loadSettings('watcherSettings', {
    env: {},
    flags: { kubeconfig, broker, cluster: CLUSTER, username: 'watcher', password: PW, httpPort: 0, logLevel: 'warn' },
  });
  const log = silentLogger();
  const registry = createRegistry('watcher', false);
  const metrics = watcherMetrics(registry);
  const bus = new BusClient({
    url: broker,
    cluster: CLUSTER,
    instance: 'watcher-demo-test',
    identity: { kind: 'watcher' },
    role: 'watcher',
    username: 'watcher',
    password: PW,
    clean: false,
    log,
    registry,
  });
  const source = await createSource(settings, { log, metrics });
  const pipeline = new Pipeline({ cluster: CLUSTER, instance: 'watcher-demo-test', bus, source, log, metrics });
  const controller = new Controller(log);
  controller.add(pipeline.publisherComponent());
  controller.add(bus);
  controller.add(pipeline);
  await controller.start();
  await pipeline.publisher.whenReady();
  return controller;
}

async function startLed(node: string, layout: 'talk' | 'compact', broker: string): Promise<LedService> {
  const instance = `led-${node}`;
  const svc = await LedService.create({
    settings: loadSettings('ledSettings', {
      env: {},
      flags: {
        node,
        board: 'virtual',
        layout,
        broker,
        cluster: CLUSTER,
        username: 'led',
        password: PW,
        httpHost: '127.0.0.1',
        httpPort: 0,
        fps: 10, // CPU is shared with the whole cluster; the pictures need levels, not smoothness
        instance,
      },
    }),
    rt: { service: 'led', instance, log: silentLogger(), registry: createRegistry('led', false) },
  });
  await svc.start();
  return svc;
}

export async function startStack(): Promise<Stack | string> {
  const sim = await startSim({ nodes: 2 });
  if (typeof sim === 'string') return sim;
  const tmp = mkdtempSync(join(tmpdir(), 'kubeblink-demo-test-'));
  const broker = await startTestBroker({
    users: [
      { username: 'watcher', password: PW, role: 'watcher' },
      { username: 'led', password: PW, role: 'reader' },
      { username: 'presenter', password: PW, role: 'reader' },
    ],
    serviceAccounts: deployedServiceAccounts(),
    settings: { tokenAuth: 'on', kubeconfig: sim.kubeconfig },
  });
  // The short back-off `sim up` uses (base 2 s, max 20 s), so that crash loops are quick.
  const runner = await startPodRunner({
    kubeconfig: sim.kubeconfig,
    broker: broker.url,
    cluster: CLUSTER,
    stateDir: join(tmp, 'runner'),
    backoffBaseSeconds: 2,
    backoffMaxSeconds: 20,
    syncSeconds: 1,
    usageSeconds: 2,
    logLevel: 'warn',
  });
  const watcher = await startWatcher(sim.kubeconfig, broker.url);
  const leds = new Map<string, LedService>();
  const [master, ...workers] = [...sim.nodes].sort();
  for (const [i, node] of [master, ...workers].entries()) {
    if (node) leds.set(node, await startLed(node, i === 2 ? 'compact' : 'talk', broker.url));
  }
  const events: ClusterEvent[] = [];
  const kit = connectKit({ url: broker.url, cluster: CLUSTER, username: 'presenter', password: PW });
  kit.on('*', (e) => {
    events.push(e);
  });
  await kit.synced();
  await until(() => kit.model.status?.state === 'ready', 'the watcher ready on the bus', 60_000, 100);
  return {
    sim,
    broker,
    runner,
    leds,
    kit,
    events,
    demoUser: { username: 'presenter', password: PW },
    async pictures() {
      const out = new Map<string, LedPicture>();
      for (const [node, svc] of leds) {
        const res = await fetch(`http://127.0.0.1:${svc.http.port}/leds`);
        out.set(node, (await res.json()) as LedPicture);
      }
      return out;
    },
    async stop() {
      await kit.stop();
      for (const svc of leds.values()) await svc.stop();
      await watcher.stop();
      await runner.stop();
      await broker.stop();
      await sim.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
