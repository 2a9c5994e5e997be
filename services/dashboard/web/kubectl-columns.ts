// The rows `kubectl get pods -o wide` and `kubectl get nodes` print, from the retained states alone
// (every column is on the bus: docs/design.md, schemas/pod-state.schema.json). AGE and the
// "(2m ago)" of RESTARTS follow k8s.io/apimachinery/pkg/util/duration.HumanDuration, as kubectl's
// printers do (pkg/printers/internalversion/printers.go: printPod, printNode).
import type { NodeState, PodState } from '@kubeblink/schemas';

export const POD_COLUMNS = [
  'NAME',
  'READY',
  'STATUS',
  'RESTARTS',
  'AGE',
  'IP',
  'NODE',
  'NOMINATED NODE',
  'READINESS GATES',
] as const;
export const NODE_COLUMNS = ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'] as const;

/** duration.HumanDuration: 45s, 3m20s, 45m, 3h20m, 20h, 3d5h, 20d, 2y10d, 9y. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24) % 365;
  const years = Math.floor(hours / 24 / 365);
  if (hours < 24 * 365 * 8) return days === 0 ? `${years}y` : `${years}y${days}d`;
  return `${years}y`;
}

const since = (iso: string, now: number) => humanDuration(now - Date.parse(iso));

export function podRow(p: PodState, now: number): string[] {
  const restarts =
    p.restarts > 0 && p.lastRestartAt ? `${p.restarts} (${since(p.lastRestartAt, now)} ago)` : String(p.restarts);
  return [
    p.name,
    p.ready,
    p.status,
    restarts,
    since(p.createdAt, now),
    p.ip ?? '<none>',
    p.node ?? '<none>',
    p.nominatedNode ?? '<none>',
    p.readinessGates ?? '<none>',
  ];
}

export function nodeRow(n: NodeState, now: number): string[] {
  return [n.name, n.status, n.roles.join(',') || '<none>', since(n.createdAt, now), n.kubeletVersion ?? ''];
}

/** kubectl's order: by namespace, then name. */
export function byName(a: PodState, b: PodState): number {
  return a.namespace === b.namespace ? cmp(a.name, b.name) : cmp(a.namespace, b.namespace);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The control plane first (the talk's cluster: pi4-master), then by name. */
export function nodeOrder(a: NodeState | undefined, b: NodeState | undefined, an: string, bn: string): number {
  const cp = (n: NodeState | undefined) => (n?.roles.some((r) => r === 'control-plane' || r === 'master') ? 0 : 1);
  return cp(a) - cp(b) || cmp(an, bn);
}

/** Node state as a badge: unreachable, NotReady, cordoned or Ready. */
export function nodeBadge(n: NodeState | undefined): { text: string; kind: 'ok' | 'warn' | 'bad' } {
  if (!n) return { text: 'unknown', kind: 'bad' };
  if (n.ready === 'Unknown' || n.taints.some((t) => t.key === 'node.kubernetes.io/unreachable'))
    return { text: 'unreachable', kind: 'bad' };
  if (n.ready !== 'True') return { text: 'NotReady', kind: 'bad' };
  if (n.unschedulable) return { text: 'Ready · cordoned', kind: 'warn' };
  return { text: 'Ready', kind: 'ok' };
}
