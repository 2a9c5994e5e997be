// Which cluster to talk to, as client-node's KubeConfig: the code that uses client-node's API classes
// (the demos, `kubeblink up`, the pod runner) needs that object, and client-node reads the kubeconfig
// for it (merging every file of $KUBECONFIG). The plain reader, kubeconfig.ts, is for code that must
// not load client-node. A context is only ever used when named or current in the kubeconfig the
// user gave: the callers decide whether a real cluster may be touched (issue 7: never silently).
import { KubeConfig } from '@kubernetes/client-node';

export interface KubeConfigOptions {
  /** A kubeconfig file; default: $KUBECONFIG, ~/.kube/config, or the in-cluster ServiceAccount. */
  kubeconfig?: string;
  /** A context of that kubeconfig; default: its current context. */
  context?: string;
}

export function loadKubeConfig(o: KubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  if (o.kubeconfig) kc.loadFromFile(o.kubeconfig);
  else kc.loadFromDefault();
  if (o.context) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(o.context))
      throw new Error(
        `no context "${o.context}" in ${o.kubeconfig ?? 'the default kubeconfig'}; known: ${names.join(', ') || '(none)'}`,
      );
    kc.setCurrentContext(o.context);
  }
  if (!kc.getCurrentCluster())
    throw new Error(
      `no cluster in ${o.kubeconfig ?? 'the default kubeconfig'} (current context: ${kc.getCurrentContext() || 'none'})`,
    );
  return kc;
}

export function currentContext(kc: KubeConfig): { name: string; server: string } {
  return { name: kc.getCurrentContext(), server: kc.getCurrentCluster()?.server ?? '' };
}
