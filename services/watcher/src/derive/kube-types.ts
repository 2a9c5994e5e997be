// The Kubernetes object types the watcher reads, from @kubernetes/client-node. The watcher parses the
// API's JSON itself (no ObjectSerializer), so timestamps stay RFC 3339 strings: Raw<T> says so.
import type { V1Container, V1ContainerStatus, V1Node, V1Pod } from '@kubernetes/client-node';

export type Raw<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Raw<U>[]
    : T extends object
      ? { [K in keyof T]: Raw<T[K]> }
      : T;

export type Pod = Raw<V1Pod>;
export type Node = Raw<V1Node>;
export type Container = Raw<V1Container>;
export type ContainerStatus = Raw<V1ContainerStatus>;

/** A watch event as the API streams it (one JSON object per line). */
export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}
