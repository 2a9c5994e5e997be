// @kubeblink/sim: a simulated Kubernetes cluster on one machine (see ../README.md).
export { binariesReady, binDir, buildScript, ensureBinaries } from './build.ts';
export { KubeClient } from './kube-client.ts';
export {
  HEARTBEAT_STOPPED_HOLDER,
  heartbeatLeaseSpec,
  KWOK_ANNOTATION,
  nodeHeartbeatStopped,
  RUNNER_LABEL,
  setNodeHeartbeat,
} from './nodes.ts';
export {
  defaultStateDir,
  SimAlreadyRunning,
  type SimState,
  type Status,
  simClient,
  simDown,
  simStatus,
  simUp,
  type UpOptions,
} from './sim-lifecycle.ts';
