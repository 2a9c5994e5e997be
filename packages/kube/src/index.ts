// @kubeblink/kube: what kubeblink needs from a cluster. The demos and `kubeblink up` apply, delete and
// wait through @kubernetes/client-node (apply.ts, client-node-config.ts); the plain part (./plain: the
// kubeconfig reader, the API client and the Lease) loads no client library, for the watcher.
export { applyObjects, deleteObjects, waitGone } from './apply.ts';
export { currentContext, loadFoundKubeConfig, loadKubeConfig } from './client-node-config.ts';
export { readManifests } from './manifests.ts';
export * from './plain.ts';
