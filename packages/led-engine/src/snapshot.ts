// The JSON picture of the board (GET /leds, the browser display, tests): every LED's level and
// pattern, which pod holds which slot, and the inputs that decide the status LED.
import type { ClusterStatus, LedLayout } from '@kubeblink/schemas';
import type { LedInfo } from './layout.ts';
import type { PodKind } from './pod-kind.ts';
import type { PodRecord } from './pods.ts';

export interface PodSummary {
  namespace: string;
  name: string;
  uid: string;
  status: string;
  ready: string;
  restarts: number;
  kind: PodKind;
  ordinal: number | null;
}

export interface LedSnapshot {
  layout: string;
  /** The engine time of this picture (ms). */
  at: number;
  connected: boolean;
  clusterStatus: ClusterStatus['state'] | null;
  nodeReady: boolean;
  /** Broker lost or watcher offline: what is shown is the last known state. */
  stale: boolean;
  slots: { index: number; pod: PodSummary | null; leds: string[] }[];
  /** Pods waiting for a free slot, oldest first. */
  overflow: PodSummary[];
  leds: (Omit<LedInfo, 'index'> & { level: number; pattern: string })[];
}

function summary(p: PodRecord): PodSummary {
  const s = p.state;
  return {
    namespace: s.namespace,
    name: s.name,
    uid: s.uid,
    status: s.status,
    ready: s.ready,
    restarts: s.restarts,
    kind: p.kind,
    ordinal: s.ordinal ?? null,
  };
}

/** Levels are rounded to 1/1000: enough for any PWM and stable in JSON. */
const round = (x: number) => Math.round(x * 1000) / 1000;

export function snapshotOf(input: {
  layout: LedLayout;
  leds: readonly LedInfo[];
  views: { level: number; pattern: string }[];
  slots: (PodRecord | null)[];
  overflow: PodRecord[];
  connected: boolean;
  cluster: ClusterStatus['state'] | null;
  nodeReady: boolean;
  stale: boolean;
  now: number;
}): LedSnapshot {
  return {
    layout: input.layout.name,
    at: input.now,
    connected: input.connected,
    clusterStatus: input.cluster,
    nodeReady: input.nodeReady,
    stale: input.stale,
    slots: input.slots.map((rec, index) => ({
      index,
      pod: rec ? summary(rec) : null,
      leds: input.leds.filter((l) => l.slot === index).map((l) => l.id),
    })),
    overflow: input.overflow.map(summary),
    leds: input.leds.map(({ index: _, ...led }, i) => ({
      ...led,
      level: round(input.views[i]?.level ?? 0),
      pattern: input.views[i]?.pattern ?? 'off',
    })),
  };
}
