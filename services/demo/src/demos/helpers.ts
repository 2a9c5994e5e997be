// Small predicates over the bus shared by the demo modules.

import type { ClusterEvent, PodState } from '@kubeblink/schemas';
import type { KubernetesObject } from '@kubernetes/client-node';
import { LOAD_GENERATOR } from '../cluster-context.ts';
import type { BusView } from '../demo.ts';

/** Pods that are running and ready and not terminating. */
export const readyPods = (bus: BusView): PodState[] =>
  bus.pods().filter((p) => p.phase === 'Running' && p.podReady && p.deletionTimestamp === null);

/** Pods not terminating. */
export const livePods = (bus: BusView): PodState[] => bus.pods().filter((p) => p.deletionTimestamp === null);

export const names = (pods: PodState[]) => pods.map((p) => `${p.name} on ${p.node ?? '(unscheduled)'}`).join(', ');

/** The first event of this type about this pod (by name) seen since the demo started. */
export function eventOf(bus: BusView, type: string, pod?: string, uid?: string): ClusterEvent | undefined {
  return bus
    .events()
    .find(
      (e) =>
        e.type === type &&
        (pod === undefined || (e.data as { name?: string }).name === pod) &&
        (uid === undefined || (e.data as { uid?: string }).uid === uid),
    );
}

/** The demo's own workload: every manifest object but the hpa demo's load generator. */
export const workload = (objs: readonly KubernetesObject[]) => objs.filter((o) => o.metadata?.name !== LOAD_GENERATOR);

/** A copy of the objects with every container image rewritten. */
export function withImage(objs: readonly KubernetesObject[], rewrite: (image: string) => string): KubernetesObject[] {
  return objs.map((o) => {
    const copy = structuredClone(o) as KubernetesObject & {
      spec?: { template?: { spec?: { containers?: { image?: string }[] } } };
    };
    for (const c of copy.spec?.template?.spec?.containers ?? []) if (c.image) c.image = rewrite(c.image);
    return copy;
  });
}
