// Which cluster to talk to, as client-node's KubeConfig: the code that uses client-node's API classes
// (the demos, `kubeblink up`, the pod runner) needs that object, and client-node reads the kubeconfig
// for it (merging every file of $KUBECONFIG). The plain reader, kubeconfig.ts, is for code that must
// not load client-node. A context is only ever used when named or current in the kubeconfig the
// user gave: the callers decide whether a real cluster may be touched (issue 7: never silently).
// With no kubeconfig named, the file is cluster-discovery.ts's (the running simulated cluster before
// ~/.kube/config), never client-node's silent fallback to http://localhost:8080 (issue 14).
import { KubeConfig } from '@kubernetes/client-node';
import { type FoundKubeconfig, findKubeconfig } from './cluster-discovery.ts';

export interface KubeConfigOptions {
  /** A kubeconfig file; default: in a pod its ServiceAccount, else findKubeconfig()'s. */
  kubeconfig?: string;
  /** A context of that kubeconfig; default: its current context. */
  context?: string;
}

export function loadKubeConfig(o: KubeConfigOptions = {}): KubeConfig {
  return loadFoundKubeConfig(o).kc;
}

/** loadKubeConfig, and which file it read and why (for the header line and for error messages). */
export function loadFoundKubeConfig(o: KubeConfigOptions = {}): { kc: KubeConfig; found: FoundKubeconfig } {
  const kc = new KubeConfig();
  let found: FoundKubeconfig;
  if (!o.kubeconfig && process.env.KUBERNETES_SERVICE_HOST && !process.env.KUBECONFIG) {
    kc.loadFromCluster(); // in a pod: its ServiceAccount
    found = { file: '(in-cluster ServiceAccount)', source: 'env', why: 'running in a pod' };
  } else {
    found = findKubeconfig({ kubeconfig: o.kubeconfig });
    // $KUBECONFIG may list several files: client-node merges them as kubectl does.
    if (found.source === 'env') kc.loadFromDefault();
    else kc.loadFromFile(found.file);
  }
  const what = `kubeconfig ${found.file}${found.source === 'flag' ? '' : ` (${found.why})`}`;
  if (o.context) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(o.context))
      throw new Error(`${what}: no context "${o.context}"; its contexts: ${names.join(', ') || '(none)'}`);
    kc.setCurrentContext(o.context);
  }
  if (!kc.getCurrentCluster())
    throw new Error(
      `${what}: no cluster for its current context (${kc.getCurrentContext() || 'none'}); name one with --context`,
    );
  return { kc, found };
}

export function currentContext(kc: KubeConfig): { name: string; server: string } {
  return { name: kc.getCurrentContext(), server: kc.getCurrentCluster()?.server ?? '' };
}
