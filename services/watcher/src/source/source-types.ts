// The interface between where Pod and Node changes come from (the live API, a recording) and the
// watcher's state store. A source emits, per resource, a sync (SYNC_START, every object as ADDED,
// SYNC_END: a full list) and then watch events; a relist after a lost watch is another sync.
import type { Node, Pod } from '../derive/kube-types.ts';

export type ResourceKind = 'pods' | 'nodes';

export type SourceEvent =
  | { kind: ResourceKind; type: 'SYNC_START' | 'SYNC_END' }
  | { kind: 'pods'; type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: Pod }
  | { kind: 'nodes'; type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: Node };

export type SourceListener = (event: SourceEvent) => void;

export interface Source {
  readonly name: string;
  /** Starts delivering events to the listener; resolves once started (not once synced). */
  start(listener: SourceListener): Promise<void>;
  stop(): Promise<void>;
}
