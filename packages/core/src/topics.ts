// The topic contract of docs/design.md, in one place. No service concatenates topic strings by hand:
// every topic is built from typed parts here, and every segment is checked before publishing.
import type {
  AppSignal,
  ClusterEvent,
  ClusterStatus,
  MessageSchemaName,
  NodeState,
  PodState,
  ServiceStatus,
} from '@kubeblink/schemas';

export const TOPIC_ROOT = 'kubeblink';
/** Node segment of pods that are not yet on a node. */
export const UNSCHEDULED = '_unscheduled';

export type TopicParts =
  | { kind: 'clusterStatus'; cluster: string }
  | { kind: 'nodeState'; cluster: string; node: string }
  | { kind: 'podState'; cluster: string; node: string; namespace: string; pod: string }
  | { kind: 'nodeEvents'; cluster: string; node: string }
  | { kind: 'podSignals'; cluster: string; node: string; namespace: string; pod: string }
  | { kind: 'serviceStatus'; cluster: string; service: string; instance: string };

export type TopicKind = TopicParts['kind'];
export type PartsOf<K extends TopicKind> = Extract<TopicParts, { kind: K }>;

/** The payload type carried by each kind of topic. */
export interface TopicPayloads {
  clusterStatus: ClusterStatus;
  nodeState: NodeState;
  podState: PodState;
  nodeEvents: ClusterEvent;
  podSignals: AppSignal;
  serviceStatus: ServiceStatus;
}

export interface TopicContract {
  retain: boolean;
  qos: 0 | 1;
  schema: MessageSchemaName;
  /** A zero-length retained payload deletes the retained message: valid, never schema-checked. */
  tombstone: boolean;
}

/**
 * Retain flag, QoS and schema per topic kind, as in docs/design.md's topic table. Literal types (`as
 * const`): the received-message type derives from them which kinds can bring a tombstone.
 */
export const TOPIC_CONTRACT = {
  clusterStatus: { retain: true, qos: 1, schema: 'clusterStatus', tombstone: true },
  nodeState: { retain: true, qos: 1, schema: 'nodeState', tombstone: true },
  podState: { retain: true, qos: 1, schema: 'podState', tombstone: true },
  nodeEvents: { retain: false, qos: 1, schema: 'clusterEvent', tombstone: false },
  podSignals: { retain: false, qos: 0, schema: 'appSignal', tombstone: false },
  serviceStatus: { retain: true, qos: 1, schema: 'serviceStatus', tombstone: true },
} as const satisfies Record<TopicKind, TopicContract>;

export class TopicError extends Error {
  override name = 'TopicError';
}

// MQTT 3.1.1 section 4.7: '+' and '#' are wildcards and '/' separates levels, so none may appear
// inside a segment; the spec also forbids U+0000 (section 1.5.3).
const FORBIDDEN = /[+#/\u0000]/;
const MAX_SEGMENT = 253;

export function checkSegment(what: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TopicError(`topic segment ${what} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  if (FORBIDDEN.test(value)) {
    throw new TopicError(`topic segment ${what} must not contain '+', '#', '/' or NUL: ${JSON.stringify(value)}`);
  }
  if (value.length > MAX_SEGMENT) throw new TopicError(`topic segment ${what} is longer than ${MAX_SEGMENT}`);
  return value;
}

export function buildTopic(parts: TopicParts): string {
  const c = checkSegment('cluster', parts.cluster);
  const base = `${TOPIC_ROOT}/${c}`;
  switch (parts.kind) {
    case 'clusterStatus':
      return `${base}/status`;
    case 'nodeState':
      return `${base}/nodes/${checkSegment('node', parts.node)}/state`;
    case 'nodeEvents':
      return `${base}/nodes/${checkSegment('node', parts.node)}/events`;
    case 'podState':
    case 'podSignals': {
      const leaf = parts.kind === 'podState' ? 'state' : 'signals';
      return `${base}/nodes/${checkSegment('node', parts.node)}/pods/${checkSegment('namespace', parts.namespace)}/${checkSegment('pod', parts.pod)}/${leaf}`;
    }
    case 'serviceStatus':
      return `${base}/services/${checkSegment('service', parts.service)}/${checkSegment('instance', parts.instance)}/status`;
    default:
      throw new TopicError(`unknown topic kind ${(parts as { kind: string }).kind}`);
  }
}

/** Parses a concrete topic into its parts; null for anything outside the contract. */
export function parseTopic(topic: string): TopicParts | null {
  const s = topic.split('/');
  if (s[0] !== TOPIC_ROOT || s.length < 3 || s.some((x) => x === '' || x === '+' || x === '#')) return null;
  const cluster = s[1] as string;
  if (s.length === 3 && s[2] === 'status') return { kind: 'clusterStatus', cluster };
  if (s[2] === 'nodes' && s.length === 5) {
    if (s[4] === 'state') return { kind: 'nodeState', cluster, node: s[3] as string };
    if (s[4] === 'events') return { kind: 'nodeEvents', cluster, node: s[3] as string };
  }
  if (s[2] === 'nodes' && s.length === 8 && s[4] === 'pods') {
    const rest = { cluster, node: s[3] as string, namespace: s[5] as string, pod: s[6] as string };
    if (s[7] === 'state') return { kind: 'podState', ...rest };
    if (s[7] === 'signals') return { kind: 'podSignals', ...rest };
  }
  if (s[2] === 'services' && s.length === 6 && s[5] === 'status') {
    return { kind: 'serviceStatus', cluster, service: s[3] as string, instance: s[4] as string };
  }
  return null;
}

/** Subscription filters (the only place wildcards are written). */
export const filters = {
  /** Everything of one cluster. */
  cluster: (cluster: string) => `${TOPIC_ROOT}/${checkSegment('cluster', cluster)}/#`,
  clusterStatus: (cluster: string) => buildTopic({ kind: 'clusterStatus', cluster }),
  /** One node's state, events, and its pods' states and signals. */
  node: (cluster: string, node: string) =>
    `${TOPIC_ROOT}/${checkSegment('cluster', cluster)}/nodes/${checkSegment('node', node)}/#`,
  nodeStates: (cluster: string) => `${TOPIC_ROOT}/${checkSegment('cluster', cluster)}/nodes/+/state`,
  podStates: (cluster: string) => `${TOPIC_ROOT}/${checkSegment('cluster', cluster)}/nodes/+/pods/+/+/state`,
  events: (cluster: string) => `${TOPIC_ROOT}/${checkSegment('cluster', cluster)}/nodes/+/events`,
  signals: (cluster: string) => `${TOPIC_ROOT}/${checkSegment('cluster', cluster)}/nodes/+/pods/+/+/signals`,
  serviceStatuses: (cluster: string) => `${TOPIC_ROOT}/${checkSegment('cluster', cluster)}/services/+/+/status`,
};

/** MQTT topic matching (MQTT 3.1.1 section 4.7.1), e.g. for routing and ACL checks. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  // Section 4.7.2: a filter starting with a wildcard does not match topics starting with '$'.
  if ((f[0] === '+' || f[0] === '#') && topic.startsWith('$')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

export function isWildcard(topic: string): boolean {
  return topic.includes('+') || topic.includes('#');
}
