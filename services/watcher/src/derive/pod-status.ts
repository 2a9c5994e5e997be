// kubectl's STATUS, READY and RESTARTS columns of a pod, computed exactly as the apiserver's Table
// printer does: printPod in k8s.io/kubernetes v1.36.5 pkg/printers/internalversion/printers.go
// (the code `kubectl get pods` shows, since kubectl asks the server for a Table). Every branch here
// mirrors one there, in the same order; the tests name the branch they cover.
import type { Container, ContainerStatus, Pod } from './kube-types.ts';

export interface PodColumns {
  /** The STATUS column, verbatim. */
  status: string;
  /** The READY column: ready / total containers (sidecars included). */
  ready: string;
  /** The RESTARTS column's count. */
  restarts: number;
  /** The "(5m ago)" part's input: the latest lastState.terminated.finishedAt counted, or null. */
  lastRestartAt: string | null;
}

// pkg/util/node: the reason the node-lifecycle controller sets on pods of an unreachable node.
const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

/** podutil.IsRestartableInitContainer: an init container with restartPolicy Always (a sidecar). */
export function isRestartableInitContainer(c: Container | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

const time = (s: string | undefined): number => (s ? Date.parse(s) : Number.NaN);

/** lastRestartDate.Before(&terminatedDate): keeps the later of two finishedAt timestamps. */
function later(current: string | null, candidate: string | undefined): string | null {
  if (!candidate || Number.isNaN(time(candidate))) return current;
  return current === null || time(current) < time(candidate) ? candidate : current;
}

/** isPodInitializedConditionTrue: the first Initialized condition decides. */
function initializedTrue(pod: Pod): boolean {
  return pod.status?.conditions?.find((c) => c.type === 'Initialized')?.status === 'True';
}

/** hasPodReadyCondition: any Ready condition that is True. */
export function hasPodReadyCondition(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function podColumns(pod: Pod): PodColumns {
  const spec = pod.spec;
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableInitRestarts = 0;
  let total = spec?.containers?.length ?? 0;
  let readyCount = 0;
  let lastRestart: string | null = null;
  let lastRestartableInitRestart: string | null = null;

  const phase = status.phase ?? '';
  let reason: string = phase;
  if (status.reason) reason = status.reason;
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initSpecs = new Map<string, Container>();
  for (const c of spec?.initContainers ?? []) {
    initSpecs.set(c.name, c);
    if (isRestartableInitContainer(c)) total++;
  }

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i] as ContainerStatus;
    restarts += c.restartCount ?? 0;
    lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
    const sidecar = isRestartableInitContainer(initSpecs.get(c.name));
    if (sidecar) {
      restartableInitRestarts += c.restartCount ?? 0;
      lastRestartableInitRestart = later(lastRestartableInitRestart, c.lastState?.terminated?.finishedAt);
    }
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && c.started === true) {
      if (c.ready) readyCount++;
      continue;
    }
    if (terminated) {
      // initialization failed
      if (!terminated.reason) {
        reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode ?? 0}`;
      } else {
        reason = `Init:${terminated.reason}`;
      }
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${spec?.initContainers?.length ?? 0}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || initializedTrue(pod)) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    let errorReason = '';
    const statuses = status.containerStatuses ?? [];
    // printPod walks the regular containers from last to first, so the first container's reason wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i] as ContainerStatus;
      restarts += c.restartCount ?? 0;
      lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
      const waiting = c.state?.waiting;
      const terminated = c.state?.terminated;
      if (waiting?.reason) {
        reason = waiting.reason;
      } else if (terminated) {
        if (terminated.reason) reason = terminated.reason;
        else if (terminated.signal) reason = `Signal:${terminated.signal}`;
        else reason = `ExitCode:${terminated.exitCode ?? 0}`;
        if ((terminated.exitCode ?? 0) !== 0) errorReason = reason;
      } else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyCount++;
      }
    }
    // "change pod status back to Running if there is at least one container still reporting as Running"
    if (reason === 'Completed') {
      if (hasRunning && hasPodReadyCondition(pod)) reason = 'Running';
      else if (errorReason !== '') reason = errorReason;
      else if (hasRunning) reason = 'NotReady';
    }
  }

  const deleting = !!pod.metadata?.deletionTimestamp;
  if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  return {
    status: reason,
    ready: `${readyCount}/${total}`,
    restarts,
    lastRestartAt: restarts !== 0 ? lastRestart : null,
  };
}

/** kubectl's READINESS GATES column (-o wide): "true/total", null for "<none>". */
export function readinessGates(pod: Pod): string | null {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return null;
  let ok = 0;
  for (const g of gates) {
    // printPod stops at the first condition of the gate's type.
    if (pod.status?.conditions?.find((c) => c.type === g.conditionType)?.status === 'True') ok++;
  }
  return `${ok}/${gates.length}`;
}
