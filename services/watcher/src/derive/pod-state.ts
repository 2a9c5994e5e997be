// A Pod object -> the compact PodState the watcher keeps and publishes (schemas/pod-state.schema.json):
// what `kubectl get pod -o wide` shows, plus owner, images and per-container states. Only this compact
// form is kept in memory, never the whole object.
import type { ContainerState, PodState } from '@kubeblink/schemas';
import type { ContainerStatus, Pod } from './kube-types.ts';
import { hasPodReadyCondition, podColumns, readinessGates } from './pod-status.ts';

/** What the watcher remembers of a pod: its state plus the pod-level reason (Evicted, NodeLost, ...). */
export interface PodRecord {
  state: PodState;
  /** status.reason / status.message: not in PodState, needed for the evicted and failed events. */
  reason: string | null;
  message: string | null;
  /** The reason of a True DisruptionTarget condition (DeletionByTaintManager, EvictionByEvictionAPI, ...). */
  disruption: string | null;
}

export const truncate = (s: string | undefined | null, max: number): string | null =>
  s == null || s === '' ? null : s.length > max ? s.slice(0, max) : s;

const PHASES = new Set(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);
const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

function containerState(name: string, image: string, init: boolean, s: ContainerStatus | undefined): ContainerState {
  const st = s?.state;
  const kind = st?.running ? 'running' : st?.terminated ? 'terminated' : st?.waiting ? 'waiting' : 'unknown';
  const last = s?.lastState?.terminated;
  return {
    name,
    image,
    init,
    ready: s?.ready === true,
    restartCount: s?.restartCount ?? 0,
    state: kind,
    reason: truncate(st?.waiting?.reason ?? st?.terminated?.reason, 256),
    message: truncate(st?.waiting?.message ?? st?.terminated?.message, 1024),
    exitCode: st?.terminated ? (st.terminated.exitCode ?? 0) : null,
    startedAt: st?.running?.startedAt ?? st?.terminated?.startedAt ?? null,
    lastTerminated: last
      ? {
          reason: truncate(last.reason, 256),
          exitCode: last.exitCode ?? 0,
          signal: last.signal ?? null,
          finishedAt: last.finishedAt ?? null,
        }
      : null,
  };
}

function byName(list: ContainerStatus[] | undefined, name: string): ContainerStatus | undefined {
  if (list) for (const s of list) if (s.name === name) return s;
  return undefined;
}

function ordinalOf(pod: Pod, ownerKind: string | undefined): number | null {
  if (ownerKind !== 'StatefulSet') return null;
  const label = pod.metadata?.labels?.[POD_INDEX_LABEL];
  const raw = label ?? /-(\d+)$/.exec(pod.metadata?.name ?? '')?.[1];
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

export function derivePod(pod: Pod): PodRecord {
  const meta = pod.metadata ?? {};
  const spec = pod.spec;
  const status = pod.status ?? {};
  const columns = podColumns(pod);
  const controller = meta.ownerReferences?.find((o) => o.controller === true);
  // Plain loops and a linear search by name: a pod has a handful of containers, and this runs once
  // per watch event.
  const containers: ContainerState[] = [];
  for (const c of spec?.initContainers ?? []) {
    containers.push(containerState(c.name, c.image ?? '', true, byName(status.initContainerStatuses, c.name)));
  }
  const images: string[] = [];
  for (const c of spec?.containers ?? []) {
    containers.push(containerState(c.name, c.image ?? '', false, byName(status.containerStatuses, c.name)));
    images.push(c.image ?? '');
  }
  const phase = status.phase && PHASES.has(status.phase) ? status.phase : 'Pending';
  const state: PodState = {
    uid: meta.uid ?? '',
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    node: spec?.nodeName || null,
    phase: phase as PodState['phase'],
    // An empty phase only exists before the apiserver defaults it to Pending; the schema needs a word.
    status: columns.status || 'Pending',
    ready: columns.ready,
    restarts: columns.restarts,
    lastRestartAt: columns.lastRestartAt,
    createdAt: meta.creationTimestamp ?? new Date(0).toISOString(),
    // printPod shows PodIPs[0]; podIP is the same address on every API version that has both.
    ip: status.podIPs?.[0]?.ip || status.podIP || null,
    nominatedNode: status.nominatedNodeName || null,
    readinessGates: readinessGates(pod),
    podReady: hasPodReadyCondition(pod),
    deletionTimestamp: meta.deletionTimestamp ?? null,
    owner: controller ? { kind: controller.kind, name: controller.name } : null,
    ordinal: ordinalOf(pod, controller?.kind),
    labels: meta.labels ?? {},
    images,
    containers,
    resourceVersion: meta.resourceVersion ?? '',
  };
  const disruption = status.conditions?.find((c) => c.type === 'DisruptionTarget' && c.status === 'True');
  return {
    state,
    reason: truncate(status.reason, 256),
    message: truncate(status.message, 1024),
    disruption: disruption ? (truncate(disruption.reason, 256) ?? 'DisruptionTarget') : null,
  };
}
