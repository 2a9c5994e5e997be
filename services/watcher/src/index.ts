// @kubeblink/watcher: Kubernetes pods and nodes, as kubectl shows them, to MQTT.
export { recordCommand, watcherCommand } from './command.ts';
export { deriveNode, nodeRoles, nodeStatus } from './derive/node-state.ts';
export { derivePod } from './derive/pod-state.ts';
export { podColumns } from './derive/pod-status.ts';
export { type Change, ClusterState } from './diff/cluster-state.ts';
export { Publisher } from './publish/publisher.ts';
export { parseRecordedLine, RecordingSource, RecordingWriter } from './source/recording.ts';
export { createSource, sourceRegistry } from './source/source-registry.ts';
export type { Source, SourceEvent } from './source/source-types.ts';
export { Pipeline } from './watcher.ts';
export { watcherMetrics } from './watcher-metrics.ts';
