// Builders of pod states, events and signals for engine tests, and a sampler that turns the engine's
// output into the exact list of level changes (at 1 ms resolution) a board would see.
import type { AppSignal, ClusterEvent, LedLayout, PodState } from '@kubeblink/schemas';
import type { LedEngine } from '../src/engine.ts';

let uidCounter = 0;

export function pod(name: string, over: Partial<PodState> = {}): PodState {
  uidCounter++;
  return {
    uid: `uid-${name}-${uidCounter}`,
    namespace: 'demo',
    name,
    node: 'pi1',
    phase: 'Running',
    status: 'Running',
    ready: '1/1',
    restarts: 0,
    lastRestartAt: null,
    createdAt: '2026-11-29T06:00:00Z',
    ip: '10.0.0.1',
    nominatedNode: null,
    readinessGates: null,
    podReady: true,
    deletionTimestamp: null,
    owner: { kind: 'ReplicaSet', name: 'web-1' },
    ordinal: null,
    labels: { app: 'web' },
    images: ['demo:1'],
    containers: [
      {
        name: 'app',
        image: 'demo:1',
        init: false,
        ready: true,
        restartCount: 0,
        state: 'running',
        reason: null,
        message: null,
        exitCode: null,
        startedAt: '2026-11-29T06:00:05Z',
        lastTerminated: null,
      },
    ],
    resourceVersion: '1',
    ...over,
  };
}

export const pending = (p: PodState): PodState => ({
  ...p,
  phase: 'Pending',
  status: 'ContainerCreating',
  ready: '0/1',
  podReady: false,
  containers: p.containers.map((c) => ({ ...c, ready: false, state: 'waiting', reason: 'ContainerCreating' })),
});
export const notReady = (p: PodState): PodState => ({ ...p, ready: '0/1', podReady: false });
export const waiting = (p: PodState, reason: string): PodState => ({
  ...p,
  phase: reason === 'CrashLoopBackOff' ? 'Running' : 'Pending',
  status: reason,
  ready: '0/1',
  podReady: false,
  containers: p.containers.map((c) => ({ ...c, ready: false, state: 'waiting', reason })),
});
export const terminating = (p: PodState): PodState => ({
  ...p,
  status: 'Terminating',
  deletionTimestamp: '2026-11-29T06:10:00Z',
});

let eventCounter = 0;
export function podEvent(p: PodState, what: string, extra: Record<string, unknown> = {}): ClusterEvent {
  eventCounter++;
  return {
    specversion: '1.0',
    id: `${p.uid}/${eventCounter}/io.kubeblink.pod.${what}`,
    source: '/kubeblink/default/watcher',
    type: `io.kubeblink.pod.${what}`,
    time: '2026-11-29T06:03:00Z',
    subject: `pods/${p.namespace}/${p.name}`,
    data: {
      namespace: p.namespace,
      name: p.name,
      uid: p.uid,
      node: p.node,
      status: p.status,
      ready: p.ready,
      restarts: p.restarts,
      ...extra,
    },
  } as ClusterEvent;
}

export function nodeEvent(node: string, what: 'ready' | 'notready' | 'unreachable'): ClusterEvent {
  eventCounter++;
  return {
    specversion: '1.0',
    id: `node-${node}/${eventCounter}/io.kubeblink.node.${what}`,
    source: '/kubeblink/default/watcher',
    type: `io.kubeblink.node.${what}`,
    time: '2026-11-29T06:03:00Z',
    subject: `nodes/${node}`,
    data: {
      name: node,
      uid: `node-${node}`,
      status: what === 'ready' ? 'Ready' : 'NotReady',
      ready: what === 'ready' ? 'True' : what === 'notready' ? 'False' : 'Unknown',
      unschedulable: false,
    },
  } as ClusterEvent;
}

export function signal(p: PodState, what: 'request' | 'heartbeat' | 'liveness' | 'readiness', ok?: boolean): AppSignal {
  eventCounter++;
  return {
    specversion: '1.0',
    id: `sig-${eventCounter}`,
    source: `/kubeblink/default/pods/${p.namespace}/${p.name}`,
    type: `io.kubeblink.app.${what}`,
    time: '2026-11-29T06:03:00Z',
    subject: `pods/${p.namespace}/${p.name}`,
    data: { namespace: p.namespace, pod: p.name, node: 'pi1', ...(ok === undefined ? {} : { ok }) },
  } as AppSignal;
}

/** A compact-style layout of n single-LED slots (pins 10, 11, ...), optionally with a status LED. */
export function oneLedSlots(n: number, opts: { pwm?: boolean; status?: boolean } = {}): LedLayout {
  return {
    name: 'test',
    ...(opts.status ? { status: { role: 'status', pin: 99 } } : {}),
    slots: Array.from({ length: n }, (_, i) => ({
      leds: [{ role: 'state', pin: 10 + i, ...(opts.pwm ? { pwm: true } : {}) }],
    })) as LedLayout['slots'],
  };
}

/** An input applied at a given engine time, before the levels of that millisecond are sampled. */
export type Input = [at: number, apply: (now: number) => void];

/**
 * The level changes of one LED between `from` and `to` (exclusive), sampled every millisecond, as
 * [time - from, level] pairs: the first entry is the level at `from`. Inputs are applied in time order.
 */
export function changes(
  engine: LedEngine,
  led: number,
  from: number,
  to: number,
  inputs: Input[] = [],
): [number, number][] {
  const queue = [...inputs].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  let last = Number.NaN;
  // Inputs before `from` are applied at their own time, with every millisecond in between sampled.
  const start = Math.min(from, queue[0]?.[0] ?? from);
  for (let t = start; t < to; t++) {
    while (queue.length > 0 && (queue[0] as Input)[0] <= t) (queue.shift() as Input)[1](t);
    const level = engine.levels(t)[led] as number;
    if (t < from) continue;
    if (level !== last) out.push([t - from, Math.round(level * 1000) / 1000]);
    last = level;
  }
  return out;
}
