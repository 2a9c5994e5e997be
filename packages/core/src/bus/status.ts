// The status a bus connection carries, and its last will: a service announces itself online under
// kubeblink/<cluster>/services/<service>/<instance>/status and clears it when it stops; the watcher's
// status is the cluster status, offline when it goes. One connection has one will (MQTT 3.1.1
// section 3.1.2.5), hence one status per connection.
import { buildTopic, type PartsOf, type TopicPayloads } from '../topics.ts';

/** Whose status this connection carries: the watcher's is the cluster status, every other service's its own. */
export type BusIdentity =
  | { kind: 'service'; service: string; version?: string; node?: string }
  | { kind: 'watcher'; version?: string }
  /**
   * No status and no last will: a one-shot command (`kubeblink demo`) that may connect as an
   * anonymous reader, who may never publish (the broker would disconnect it for trying).
   */
  | { kind: 'none' };

export interface StatusOwner {
  identity: BusIdentity;
  cluster: string;
  instance: string;
}

/** A status message to publish: its topic parts and payload (null: the zero-length tombstone). */
export type StatusMessage =
  | { kind: 'serviceStatus'; parts: PartsOf<'serviceStatus'>; payload: TopicPayloads['serviceStatus'] | null }
  | { kind: 'clusterStatus'; parts: PartsOf<'clusterStatus'>; payload: TopicPayloads['clusterStatus'] };

type ServiceIdentity = Extract<BusIdentity, { kind: 'service' }>;

function serviceStatus(identity: ServiceIdentity, instance: string, state: 'online' | 'offline') {
  const payload: TopicPayloads['serviceStatus'] = { state, service: identity.service, instance };
  if (identity.version) payload.version = identity.version;
  if (identity.node) payload.node = identity.node;
  if (state === 'online') payload.since = new Date().toISOString();
  return payload;
}

const watcherOffline = ({ cluster, instance }: StatusOwner): TopicPayloads['clusterStatus'] => ({
  state: 'offline',
  cluster,
  watcher: instance,
});

/** The last will for the CONNECT packet: offline, retained, QoS 1; none for identity `none`. */
export function lastWill(owner: StatusOwner): { topic: string; payload: Buffer; qos: 1; retain: true } | undefined {
  const { identity, cluster, instance } = owner;
  let will: { topic: string; payload: unknown };
  if (identity.kind === 'watcher') {
    will = { topic: buildTopic({ kind: 'clusterStatus', cluster }), payload: watcherOffline(owner) };
  } else if (identity.kind === 'service') {
    const topic = buildTopic({ kind: 'serviceStatus', cluster, service: identity.service, instance });
    will = { topic, payload: serviceStatus(identity, instance, 'offline') };
  } else return undefined;
  return { topic: will.topic, payload: Buffer.from(JSON.stringify(will.payload)), qos: 1, retain: true };
}

/**
 * What a service publishes on every connect: online, replacing the last will the broker may have
 * published while it was away. The watcher announces itself through its sync protocol instead.
 */
export function onlineStatus(owner: StatusOwner): StatusMessage | undefined {
  const { identity, cluster, instance } = owner;
  if (identity.kind !== 'service') return undefined;
  const payload = serviceStatus(identity, instance, 'online');
  const parts = { kind: 'serviceStatus', cluster, service: identity.service, instance } as const;
  return { kind: 'serviceStatus', parts, payload };
}

/**
 * What is published before a clean DISCONNECT, which discards the last will (MQTT 3.1.1 section
 * 3.1.2.5): a service clears its status (zero-length retained), the watcher publishes `offline`
 * because no one watches the cluster any more.
 */
export function finalStatus(owner: StatusOwner): StatusMessage | undefined {
  const { identity, cluster, instance } = owner;
  if (identity.kind === 'watcher') {
    return { kind: 'clusterStatus', parts: { kind: 'clusterStatus', cluster }, payload: watcherOffline(owner) };
  }
  if (identity.kind === 'service') {
    const parts = { kind: 'serviceStatus', cluster, service: identity.service, instance } as const;
    return { kind: 'serviceStatus', parts, payload: null };
  }
  return undefined;
}
