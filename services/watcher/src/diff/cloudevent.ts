// CloudEvents 1.0 envelopes (structured JSON) for pod and node transitions. The id is deterministic,
// <uid>/<resourceVersion>/<type> (docs/design.md, Events), so a subscriber can drop duplicates.
import type { NodeEvent, NodeEventData, NodeEventType, PodEvent, PodEventData, PodEventType } from '@kubeblink/schemas';
import type { NodeRecord } from '../derive/node-state.ts';
import type { PodRecord } from '../derive/pod-state.ts';

export interface EventContext {
  cluster: string;
  /** The observation time, for transitions the API carries no timestamp of. */
  now: () => Date;
}

export const source = (cluster: string) => `/kubeblink/${cluster}/watcher`;

/**
 * The event's `time` (docs/design.md, Events): when the occurrence happened — a timestamp Kubernetes
 * recorded (startedAt, finishedAt) — else when the watcher observed it; never in the future, so a
 * clock skew between the API server's nodes and the watcher cannot date an event after the next one.
 */
export function eventTime(ctx: EventContext, recorded?: string | null): string {
  const now = ctx.now();
  if (!recorded) return now.toISOString();
  const t = Date.parse(recorded);
  return Number.isNaN(t) || t > now.getTime() ? now.toISOString() : recorded;
}

export function eventId(uid: string, resourceVersion: string, type: string, suffix?: string): string {
  return `${uid}/${resourceVersion}/${type}${suffix ? `/${suffix}` : ''}`;
}

export function podEventData(r: PodRecord): PodEventData {
  const s = r.state;
  const data: PodEventData = {
    namespace: s.namespace,
    name: s.name,
    uid: s.uid,
    node: s.node,
    status: s.status,
    ready: s.ready,
    restarts: s.restarts,
  };
  if (s.owner) data.owner = `${s.owner.kind}/${s.owner.name}`.slice(0, 320);
  return data;
}

export function podEvent(
  ctx: EventContext,
  r: PodRecord,
  what: PodEventType,
  extra: Partial<PodEventData> = {},
  time?: string | null,
  idSuffix?: string,
): PodEvent {
  const s = r.state;
  return {
    specversion: '1.0',
    id: eventId(s.uid, s.resourceVersion, what, idSuffix),
    source: source(ctx.cluster),
    type: what,
    time: eventTime(ctx, time),
    subject: `pods/${s.namespace}/${s.name}`,
    datacontenttype: 'application/json',
    data: { ...podEventData(r), ...extra },
  };
}

export function nodeEvent(ctx: EventContext, r: NodeRecord, what: NodeEventType, time?: string | null): NodeEvent {
  const s = r.state;
  const data: NodeEventData = {
    name: s.name,
    uid: s.uid,
    status: s.status,
    ready: s.ready,
    unschedulable: s.unschedulable,
  };
  if (r.readyReason) data.reason = r.readyReason;
  if (r.readyMessage) data.message = r.readyMessage;
  return {
    specversion: '1.0',
    id: eventId(s.uid, s.resourceVersion, what),
    source: source(ctx.cluster),
    type: what,
    time: eventTime(ctx, time),
    subject: `nodes/${s.name}`,
    datacontenttype: 'application/json',
    data,
  };
}
