// Pod status as a kubelet writes it (pkg/kubelet/kubelet_pods.go generateAPIPodStatus, getPhase;
// pkg/kubelet/status/generate.go): phase from the container states, the pod conditions, and one
// containerStatus per container. Pure: the pod runner supplies what its processes are doing.
import type {
  V1ContainerState,
  V1ContainerStateTerminated,
  V1ContainerStatus,
  V1Pod,
  V1PodCondition,
  V1PodStatus,
} from '@kubernetes/client-node';

export interface ContainerView {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  state: V1ContainerState;
  lastState?: V1ContainerState;
  ready: boolean;
  started: boolean;
  restartCount: number;
}

export interface PodView {
  containers: ContainerView[];
  podIP?: string;
  hostIP?: string;
  startTime: Date;
  /** The pod's containers were stopped for good (deletion): the phase becomes terminal. */
  terminal?: boolean;
}

/** metav1.Time on the wire: RFC 3339 in whole seconds. Times from a watch arrive as strings, from a
 * list as Dates; both become the same string, so unchanged statuses compare equal. */
export function kubeTime(t: Date | string): Date {
  const d = typeof t === 'string' ? new Date(t) : t;
  return d.toISOString().replace(/\.\d+Z$/, 'Z') as unknown as Date;
}

/** What a restarted runner makes of a container's previous status, as a kubelet after a reboot: the
 * instance that ran is gone (a running one ends Unknown, exit code 255). undefined: it never ran. */
export function lastStateAfterRestart(previous: ContainerView | undefined, now: Date): V1ContainerState | undefined {
  const running = previous?.state.running;
  if (running)
    return {
      terminated: { exitCode: 255, reason: 'Unknown', startedAt: running.startedAt, finishedAt: kubeTime(now) },
    };
  if (previous?.state.terminated) return { terminated: previous.state.terminated };
  return previous?.lastState?.terminated ? previous.lastState : undefined;
}

/** A container instance's end: Completed or Error by its exit code, unless it was killed for a
 * reason (OOMKilled). */
export function terminatedState(
  e: { exitCode: number; at: Date },
  startedAt: Date,
  containerID: string,
  killReason?: string,
): V1ContainerStateTerminated {
  return {
    exitCode: e.exitCode,
    reason: killReason ?? (e.exitCode === 0 ? 'Completed' : 'Error'),
    startedAt: kubeTime(startedAt),
    finishedAt: kubeTime(e.at),
    containerID,
  };
}

type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** kubelet getPhase for a pod without init containers. */
export function podPhase(restartPolicy: string, cs: ContainerView[], terminal = false): Phase {
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of cs) {
    if (c.state.running) running++;
    else if (c.state.terminated) {
      stopped++;
      if (c.state.terminated.exitCode === 0) succeeded++;
    } else if (c.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0 && !terminal) return 'Pending';
  if (running > 0 && !terminal) return 'Running';
  if (stopped === 0 && !terminal) return 'Pending';
  if (!terminal && restartPolicy === 'Always') return 'Running';
  if (!terminal && restartPolicy === 'OnFailure' && stopped !== succeeded) return 'Running';
  // A deleted Always pod ends terminal too (KEP-3329, kubelet 1.27+): Succeeded only if all exited 0.
  return stopped > 0 && stopped === succeeded && waiting === 0 ? 'Succeeded' : 'Failed';
}

function condition(
  prev: V1PodCondition[] | undefined,
  type: string,
  ok: boolean,
  now: Date,
  reason?: string,
  message?: string,
): V1PodCondition {
  const status = ok ? 'True' : 'False';
  const old = prev?.find((c) => c.type === type);
  const c: V1PodCondition = {
    type,
    status,
    lastProbeTime: null as unknown as undefined,
    lastTransitionTime: kubeTime(old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : now),
  };
  // Explicit nulls: the status is a strategic merge patch keyed on `type`, so a field left out
  // would survive from the previous write (a Ready=True condition still saying ContainersNotReady).
  c.reason = (!ok && reason) || (null as unknown as undefined);
  c.message = (!ok && message) || (null as unknown as undefined);
  return c;
}

/** The status to write (conditions keep their lastTransitionTime while unchanged). PodScheduled and
 * conditions of other writers (DisruptionTarget) are kept by the strategic merge on `type`. */
export function buildPodStatus(pod: V1Pod, view: PodView, now: Date): V1PodStatus {
  const prev = pod.status?.conditions;
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  const phase = podPhase(restartPolicy, view.containers, view.terminal);
  const unready = view.containers.filter((c) => !c.ready).map((c) => c.name);
  const containersReady = unready.length === 0;
  const gates = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType);
  const gatesFalse = gates.filter((t) => prev?.find((c) => c.type === t)?.status !== 'True');
  const done = phase === 'Succeeded' || phase === 'Failed';
  const unreadyMsg = `containers with unready status: [${unready.join(' ')}]`;
  const conditions: V1PodCondition[] = [
    condition(prev, 'PodReadyToStartContainers', !view.terminal, now),
    condition(prev, 'Initialized', true, now),
    condition(
      prev,
      'Ready',
      containersReady && gatesFalse.length === 0 && !done,
      now,
      done ? 'PodCompleted' : containersReady ? 'ReadinessGatesNotReady' : 'ContainersNotReady',
      done
        ? undefined
        : containersReady
          ? `corresponding condition of pod readiness gate "${gatesFalse[0]}" does not exist.`
          : unreadyMsg,
    ),
    condition(
      prev,
      'ContainersReady',
      containersReady && !done,
      now,
      done ? 'PodCompleted' : 'ContainersNotReady',
      done ? undefined : unreadyMsg,
    ),
  ];
  const status: V1PodStatus = {
    phase,
    conditions,
    startTime: kubeTime(view.startTime),
    containerStatuses: view.containers.map(containerStatus),
  };
  if (view.hostIP) {
    status.hostIP = view.hostIP;
    status.hostIPs = [{ ip: view.hostIP }];
  }
  if (view.podIP) {
    status.podIP = view.podIP;
    status.podIPs = [{ ip: view.podIP }];
  }
  return status;
}

function containerStatus(c: ContainerView): V1ContainerStatus {
  const s: V1ContainerStatus = {
    name: c.name,
    state: c.state,
    lastState: c.lastState ?? {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: c.imageID,
    started: c.started,
  };
  if (c.containerID) s.containerID = c.containerID;
  return s;
}

/** A JSON form for "did anything change?" comparisons (Dates as ISO strings, undefined dropped). */
export function statusKey(s: V1PodStatus): string {
  return JSON.stringify(s);
}
