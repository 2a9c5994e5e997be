// Shared set-up of the cluster tests: a private simulated cluster, a plain Aedes broker, the watcher
// (informer source) in-process, and mosquitto_sub recording everything on kubeblink/#.
import { BusClient, createRegistry } from '@kubeblink/core';
import { MosquittoSub, retainedMessages } from '@kubeblink/test/support/mosquitto';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { type SimCluster, type SimKube, startSim } from '@kubeblink/test/support/sim';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { pino } from 'pino';
import { InformerSource } from '../src/source/informer.ts';
import { Pipeline } from '../src/watcher.ts';
import { watcherMetrics } from '../src/watcher-metrics.ts';

export const C = 'kubeblink/default';
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON payloads in tests
export type Json = any;

export interface Harness {
  sim: SimCluster;
  kube: SimKube;
  broker: PlainBroker;
  sub: MosquittoSub;
  pipeline: Pipeline;
  source: InformerSource;
  /** Parsed events seen so far. */
  events(): Json[];
  /** Retained state payloads under kubeblink/default, by topic. */
  retained(): Promise<Map<string, Json>>;
  waitEvent(what: string, pred: (e: Json) => boolean, ms?: number): Promise<Json>;
  apply(method: string, path: string, body?: unknown, contentType?: string): Promise<Json>;
  stop(): Promise<void>;
}

export async function startHarness(
  o: { nodes?: number; kubeconfig?: (sim: SimCluster) => Promise<string> } = {},
): Promise<Harness | string> {
  const noMosquitto = needTool(MOSQUITTO_CLIENTS);
  if (noMosquitto) return noMosquitto;
  const sim = await startSim(o);
  if (typeof sim === 'string') return sim;
  const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
  const broker = await new PlainBroker().start();
  const sub = new MosquittoSub(broker.port, ['kubeblink/#']);
  const registry = createRegistry('watcher', false);
  const metrics = watcherMetrics(registry);
  const bus = new BusClient({
    url: broker.url,
    cluster: 'default',
    instance: 'watcher-cluster-test',
    identity: { kind: 'watcher' },
    role: 'watcher',
    clean: false,
    log,
    registry,
    reconnect: { minMs: 100, maxMs: 1000 },
  });
  const source = new InformerSource({
    kubeconfig: o.kubeconfig ? await o.kubeconfig(sim) : sim.kubeconfig,
    pageSize: 50,
    watchTimeoutSeconds: 60,
    watchdogSeconds: 90,
    relistIntervalSeconds: 0,
    log,
    metrics,
    backoff: { minMs: 200, maxMs: 2000 },
  });
  const pipeline = new Pipeline({
    cluster: 'default',
    instance: 'watcher-cluster-test',
    bus,
    source,
    log,
    metrics,
    settleMs: 300,
  });
  await pipeline.publisherComponent().start();
  await bus.start();
  await pipeline.start();
  await pipeline.publisher.whenReady();
  const kube = sim.kube;
  const events = () => sub.messages.filter((m) => m.topic.endsWith('/events')).map((m) => JSON.parse(m.payload));
  return {
    sim,
    kube,
    broker,
    sub,
    pipeline,
    source,
    events,
    async retained() {
      const r = await retainedMessages(broker.port, `${C}/#`);
      return new Map(r.filter((m) => m.payload !== '').map((m) => [m.topic, JSON.parse(m.payload)]));
    },
    waitEvent: (what, pred, ms = 60_000) => until(() => events().find(pred), what, ms, 100),
    async apply(method, path, body, contentType) {
      const headers = contentType ? { 'Content-Type': contentType } : undefined;
      return (await kube.must(method, path, body, headers)).json();
    },
    async stop() {
      sub.stop();
      await pipeline.stop();
      await bus.stop();
      await broker.stop();
      await sim.stop();
    },
  };
}
