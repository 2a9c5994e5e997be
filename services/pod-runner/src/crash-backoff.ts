// CrashLoopBackOff (pkg/kubelet/kuberuntime doBackOff): a container that exited starts again at
// once the first time; a restart while the back-off that began at its last exit still runs waits,
// shown as CrashLoopBackOff with the kubelet's message and BackOff event. Each restart doubles the
// next delay (KubeletBackoff).
import type { V1Pod } from '@kubernetes/client-node';
import type { EventType } from './events.ts';
import { goDuration, type KubeletBackoff } from './kubelet-backoff.ts';
import type { Exit } from './process.ts';

export interface CrashHost {
  backoff: KubeletBackoff;
  pod(): V1Pod;
  waiting(reason: string, message?: string): void;
  event(type: EventType, reason: string, message: string): void;
}

/** Milliseconds to wait before `container` may start again; undefined: start now (the restart is
 * recorded in the back-off). `last` is its previous instance's exit, if any. */
export function crashBackOff(container: string, key: string, last: Exit | undefined, h: CrashHost): number | undefined {
  if (!last) return undefined;
  const at = last.at.getTime();
  if (!h.backoff.inBackOffSince(key, at)) {
    h.backoff.next(key, at);
    return undefined;
  }
  const p = h.pod().metadata;
  h.waiting(
    'CrashLoopBackOff',
    `back-off ${goDuration(h.backoff.get(key))} restarting failed container=${container} pod=${p?.name}_${p?.namespace}(${p?.uid})`,
  );
  h.event(
    'Warning',
    'BackOff',
    `Back-off restarting failed container ${container} in pod ${p?.name}_${p?.namespace}(${p?.uid})`,
  );
  return h.backoff.remaining(key, at);
}
