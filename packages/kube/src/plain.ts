// @kubeblink/kube/plain: the part of @kubeblink/kube that never loads @kubernetes/client-node (the
// watcher's memory aim, see kubeconfig.ts): the kubeconfig reader, the plain API client and the Lease.
// Nothing here may import client-node at run time (type imports are erased);
// services/watcher/test/no-client-node.test.ts checks it.

export {
  type DiscoveryInput,
  type FoundKubeconfig,
  findKubeconfig,
  type KubeconfigSource,
  NoClusterFound,
  pidRuns,
  runningSimKubeconfig,
  simDefaultStateDir,
  tildePath,
} from './cluster-discovery.ts';
export { ClusterError, type ClusterWhere, explainClusterError } from './cluster-error.ts';
export { ApiError, apiError, KubeHttp, readBody } from './kube-http.ts';
export { type ApiAuth, defaultKubeconfigPath, kubeConfigAuth, loadAuth } from './kubeconfig.ts';
export { type LeaseApi, LeaseElector, LeaseHeld, type LeaseOptions, microTime } from './lease.ts';
