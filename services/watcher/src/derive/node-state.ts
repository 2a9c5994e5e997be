// A Node object -> the compact NodeState (schemas/node-state.schema.json): what `kubectl get node -o
// wide` shows. STATUS and ROLES follow printNode / findNodeRoles in k8s.io/kubernetes v1.36.5
// pkg/printers/internalversion/printers.go.
import type { NodeState, Taint } from '@kubeblink/schemas';
import type { Node } from './kube-types.ts';
import { truncate } from './pod-state.ts';

export interface NodeRecord {
  state: NodeState;
  /** The Ready condition's reason and message, for node events. */
  readyReason: string | null;
  readyMessage: string | null;
}

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';
const EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

/** findNodeRoles: node-role.kubernetes.io/<role> labels and a kubernetes.io/role=<role> label, sorted. */
export function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === ROLE_LABEL && v !== '') {
      roles.add(v);
    }
  }
  // sets.String.List() sorts byte-wise, as the default sort of JS strings does for these ASCII names.
  return [...roles].sort();
}

/** printNode's STATUS column: Ready / NotReady / Unknown (no Ready condition), then ,SchedulingDisabled. */
export function nodeStatus(node: Node): string {
  // conditionMap keeps the last condition of each type.
  const ready = node.status?.conditions?.findLast((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function address(node: Node, type: string): string | null {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? null;
}

export function deriveNode(node: Node): NodeRecord {
  const meta = node.metadata ?? {};
  const info = node.status?.nodeInfo;
  const readyCond = node.status?.conditions?.findLast((c) => c.type === 'Ready');
  const readyStatus = readyCond?.status;
  const taints: Taint[] = (node.spec?.taints ?? [])
    .filter((t) => EFFECTS.has(t.effect))
    .map((t) => ({ key: t.key, value: t.value ?? null, effect: t.effect as Taint['effect'] }));
  const cap = node.status?.capacity ?? {};
  const capacity: NodeState['capacity'] = {};
  for (const k of ['cpu', 'memory', 'pods'] as const) if (cap[k] !== undefined) capacity[k] = String(cap[k]);
  const state: NodeState = {
    uid: meta.uid ?? '',
    name: meta.name ?? '',
    status: nodeStatus(node),
    ready: readyStatus === 'True' || readyStatus === 'False' ? readyStatus : 'Unknown',
    unschedulable: node.spec?.unschedulable === true,
    roles: nodeRoles(meta.labels),
    createdAt: meta.creationTimestamp ?? new Date(0).toISOString(),
    kubeletVersion: info?.kubeletVersion || null,
    internalIP: address(node, 'InternalIP'),
    externalIP: address(node, 'ExternalIP'),
    osImage: info?.osImage || null,
    kernelVersion: info?.kernelVersion || null,
    containerRuntime: info?.containerRuntimeVersion || null,
    architecture: info?.architecture || null,
    labels: meta.labels ?? {},
    taints,
    capacity,
    resourceVersion: meta.resourceVersion ?? '',
  };
  return { state, readyReason: truncate(readyCond?.reason, 256), readyMessage: truncate(readyCond?.message, 1024) };
}
