// @kubeblink/kube: what the demos and `kubeblink up` need from a cluster, through @kubernetes/client-node.
export { applyObjects, deleteObjects, waitGone } from './apply.ts';
export { currentContext, loadKubeConfig } from './config.ts';
export { readManifests } from './manifests.ts';
