// The big libraries (Aedes, johnny-five, the Kubernetes client, ...) are imported when first needed,
// and all of them in the background as soon as up starts: loading them takes seconds on a small
// machine, time the simulated cluster's processes spend starting anyway.
export const heavy = {
  broker: () => import('@kubeblink/broker'),
  dashboard: () => import('@kubeblink/dashboard'),
  led: () => import('@kubeblink/led'),
  watcher: () => import('@kubeblink/watcher'),
  kube: () => import('@kubeblink/kube'),
  podRunner: () => import('@kubeblink/pod-runner'),
  clientNode: () => import('@kubernetes/client-node'),
};

export function preload(): void {
  for (const load of Object.values(heavy)) load().catch(() => {}); // a failure shows where it is used
}
