// Shared by the LED service's integration tests and its benchmark (bench/led.bench.ts): a service on
// the virtual board against a real broker, and peers that publish as the watcher (states, events)
// and as an app (signals). A broker is anything with a url (the benchmark's runs in a child process).
import { BusClient, createRegistry, filters, loadSettings, type Registry, silentLogger } from '@kubeblink/core';
import type { LedSettings, PodState } from '@kubeblink/schemas';
import { mosquittoPub } from '@kubeblink/test/support/mosquitto';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import type { VirtualBoard } from '../src/boards/virtual.ts';
import { type LedPicture, LedService } from '../src/led-service.ts';

export { filters };

let instances = 0;

export type BrokerUrl = Pick<PlainBroker, 'url'>;

export async function startLed(broker: BrokerUrl, over: Partial<LedSettings> = {}): Promise<LedService> {
  const instance = `led-test-${++instances}`;
  const registry: Registry = createRegistry('led', false);
  const svc = await LedService.create({
    settings: loadSettings('ledSettings', {
      env: {},
      flags: {
        node: 'pi1',
        board: 'virtual',
        layout: 'compact',
        broker: broker.url,
        cluster: 'c',
        httpHost: '127.0.0.1',
        httpPort: 0,
        fps: 50,
        instance,
        ...over,
      },
    }),
    rt: { service: 'led', instance, log: silentLogger(), registry },
  });
  await svc.start();
  return svc;
}

export function board(svc: LedService): VirtualBoard {
  return svc.backend as VirtualBoard;
}

export async function leds(svc: LedService): Promise<LedPicture> {
  const res = await fetch(`http://127.0.0.1:${svc.http.port}/leds`);
  if (res.status !== 200) throw new Error(`/leds answered ${res.status}`);
  return (await res.json()) as LedPicture;
}

/** The watcher's connection: publishes states, events and the cluster status with their contract flags. */
export async function watcherBus(broker: BrokerUrl, cluster = 'c'): Promise<BusClient> {
  const bus = new BusClient({
    url: broker.url,
    cluster,
    instance: `watcher-test-${++instances}`,
    identity: { kind: 'watcher' },
    role: 'watcher',
    log: silentLogger(),
    registry: createRegistry('watcher', false),
  });
  await bus.start();
  await new Promise<void>((resolve) => bus.onConnect(() => resolve()));
  return bus;
}

/** An app pod's connection: may publish only its own signals. */
export async function appBus(broker: PlainBroker, pod: PodState, cluster = 'c'): Promise<BusClient> {
  const bus = new BusClient({
    url: broker.url,
    cluster,
    instance: `app-${pod.name}-${++instances}`,
    identity: { kind: 'service', service: 'demo-app' },
    role: 'app',
    pod: { namespace: pod.namespace, name: pod.name },
    log: silentLogger(),
    registry: createRegistry('app', false),
  });
  await bus.start();
  await new Promise<void>((resolve) => bus.onConnect(() => resolve()));
  return bus;
}

export const podTopic = (p: PodState, node = 'pi1', cluster = 'c') =>
  `kubeblink/${cluster}/nodes/${node}/pods/${p.namespace}/${p.name}/state`;
export const signalTopic = (p: PodState, node = 'pi1', cluster = 'c') =>
  `kubeblink/${cluster}/nodes/${node}/pods/${p.namespace}/${p.name}/signals`;

/** Levels of the picture that do not depend on the blink phase: slot mapping and pattern names. */
export function shape(p: LedPicture) {
  return {
    slots: p.slots.map((s) => (s.pod ? `${s.pod.namespace}/${s.pod.name} ${s.pod.kind}` : null)),
    patterns: p.leds.map((l) => `${l.id}:${l.pattern}`),
    steady: p.leds.filter((l) => l.pattern === 'steady' || l.pattern === 'empty').map((l) => `${l.id}=${l.level}`),
  };
}

/** True when `values` alternates 0/1 starting with `first` (an on/off blink). */
export function alternates(values: number[], first: number): boolean {
  return values.length > 0 && values.every((v, i) => v === (i % 2 === 0 ? first : 1 - first));
}

const cleanups: (() => Promise<void> | void)[] = [];

/** Registers something to undo after the current test (brokers, services, processes, files). */
export function cleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

/** For afterEach: undoes everything registered, newest first. */
export async function cleanupAll(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

export async function broker(): Promise<PlainBroker> {
  const b = await new PlainBroker().start();
  cleanup(() => b.stop());
  return b;
}

/** A started LED service, stopped after the test. */
export async function led(b: PlainBroker, over: Partial<LedSettings> = {}): Promise<LedService> {
  const svc = await startLed(b, over);
  cleanup(() => svc.stop());
  return svc;
}

/** A retained message as the watcher publishes states (QoS 1, retained; null: tombstone), via mosquitto_pub. */
export const retain = (b: PlainBroker, topic: string, payload: unknown) =>
  mosquittoPub(b.port, topic, payload === null ? null : JSON.stringify(payload), { retain: true, qos: 1 });

export const at = (s: number) => `2026-11-29T06:00:${String(s).padStart(2, '0')}Z`;

export { freePort } from '@kubeblink/core';
