// Rights per role, as in docs/design.md's security section. The broker enforces these in its authorize
// hooks; the bus client checks the same rules before publishing, because in MQTT 3.1.1 a refused
// publish disconnects the client (there is no PUBACK with an error code before MQTT 5).
import { parseTopic, TOPIC_ROOT, type TopicParts, topicMatches } from './topics.ts';

export type Role = 'watcher' | 'app' | 'reader' | 'admin';

export interface Principal {
  /** anonymous: only allowed by --allow-anonymous-read (subscribe only). */
  role: Role | 'anonymous';
  /** The MQTT client id: a client may publish only its own service status (instance = client id). */
  clientId: string;
  /** Clusters the principal may touch; all when absent. */
  clusters?: readonly string[] | undefined;
  /** For role app: the pod whose signals topic it owns ('*' name: any pod of the namespace). */
  pod?: { namespace: string; name: string } | undefined;
}

export type Decision = { ok: true } | { ok: false; reason: string };

const ALLOW: Decision = { ok: true };
const deny = (reason: string): Decision => ({ ok: false, reason });

function clusterAllowed(p: Principal, cluster: string): boolean {
  return !p.clusters || p.clusters.includes(cluster);
}

function ownsPod(p: Principal, parts: { namespace: string; pod: string }): boolean {
  return !!p.pod && p.pod.namespace === parts.namespace && (p.pod.name === '*' || p.pod.name === parts.pod);
}

const WATCHER_KINDS: ReadonlySet<TopicParts['kind']> = new Set([
  'clusterStatus',
  'nodeState',
  'podState',
  'nodeEvents',
]);

/** May this principal publish to this concrete topic? */
export function canPublish(p: Principal, topic: string): Decision {
  if (p.role === 'admin') return ALLOW;
  if (p.role === 'anonymous') return deny('anonymous clients may not publish');
  const parts = parseTopic(topic);
  if (!parts) return deny(`topic ${topic} is outside the kubeblink contract`);
  if (!clusterAllowed(p, parts.cluster)) return deny(`cluster ${parts.cluster} is not allowed for this user`);
  if (parts.kind === 'serviceStatus') {
    return parts.instance === p.clientId
      ? ALLOW
      : deny(`a client may publish only its own service status (instance must equal client id ${p.clientId})`);
  }
  if (p.role === 'watcher') {
    return WATCHER_KINDS.has(parts.kind) ? ALLOW : deny(`role watcher may not publish ${parts.kind}`);
  }
  if (p.role === 'app') {
    if (parts.kind !== 'podSignals') return deny(`role app may publish only its own pod's signals, not ${parts.kind}`);
    return ownsPod(p, parts) ? ALLOW : deny(`role app may not publish signals of pod ${parts.namespace}/${parts.pod}`);
  }
  return deny(`role ${p.role} may not publish`);
}

/** May this principal subscribe with this filter? */
export function canSubscribe(p: Principal, filter: string): Decision {
  if (p.role === 'admin') return ALLOW;
  if (p.role === 'app') return deny('role app may not subscribe');
  const levels = filter.split('/');
  const root = levels[0];
  const cluster = levels[1];
  if (p.role === 'watcher') {
    // The watcher reads back its own retained states at start-up (to clear stale ones) and its status.
    if (root !== TOPIC_ROOT || cluster === undefined || cluster === '+' || cluster === '#') {
      return deny('role watcher may subscribe only within kubeblink/<cluster>/');
    }
    return clusterAllowed(p, cluster) ? ALLOW : deny(`cluster ${cluster} is not allowed for this user`);
  }
  // reader and anonymous readers: anything under kubeblink/ (and '#', which a classroom's
  // `mosquitto_sub -t '#'` uses), limited to their clusters when they have a list.
  if (p.clusters) {
    if (root !== TOPIC_ROOT || cluster === undefined || !p.clusters.includes(cluster)) {
      return deny(`this user may subscribe only within kubeblink/{${p.clusters.join(',')}}/`);
    }
    return ALLOW;
  }
  return root === TOPIC_ROOT || root === '#' || root === '+' ? ALLOW : deny(`filter ${filter} is outside kubeblink/`);
}

/** Whether a filter can deliver messages of a topic (for tests and diagnostics). */
export { topicMatches };
