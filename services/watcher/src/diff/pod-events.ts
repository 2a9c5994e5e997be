// Pod transitions, always against the previous state of the same UID (docs/design.md, trigger rules).
// `prev` undefined means a pod first seen after the initial sync: every rule then compares against
// "nothing yet" (not scheduled, nothing started, not ready, no restarts).
import type { ContainerState, PodEvent, PodEventType } from '@kubeblink/schemas';
import type { PodRecord } from '../derive/pod-state.ts';
import { type EventContext, podEvent } from './cloudevent.ts';

const WAITING_EVENTS: Record<string, PodEventType> = {
  CrashLoopBackOff: 'io.kubeblink.pod.crashloop',
  ErrImagePull: 'io.kubeblink.pod.imagepull-failed',
  ImagePullBackOff: 'io.kubeblink.pod.imagepull-failed',
  InvalidImageName: 'io.kubeblink.pod.imagepull-failed',
  CreateContainerConfigError: 'io.kubeblink.pod.config-error',
};

interface ContainerTrigger {
  type: PodEventType;
  container: ContainerState;
  extra: Record<string, unknown>;
  time: string | null;
}

function containerTriggers(prev: PodRecord | undefined, next: PodRecord): ContainerTrigger[] {
  const before = prev?.state.containers ?? [];
  const out: ContainerTrigger[] = [];
  for (const c of next.state.containers) {
    // A linear search: a pod has a handful of containers.
    const p = before.find((x) => x.name === c.name && x.init === c.init);
    // started: running.startedAt changed (a restart starts the container again with a new time).
    if (c.state === 'running' && c.startedAt && !(p?.state === 'running' && p.startedAt === c.startedAt)) {
      out.push({
        type: 'io.kubeblink.pod.started',
        container: c,
        extra: { startedAt: c.startedAt },
        time: c.startedAt,
      });
    }
    // restarted: restartCount rose; the cause is lastState.terminated.
    if (c.restartCount > (p?.restartCount ?? 0)) {
      const last = c.lastTerminated;
      const extra: Record<string, unknown> = {
        reason: last?.reason ?? 'Unknown',
        exitCode: last ? last.exitCode : null,
        restartCount: c.restartCount,
      };
      if (last?.signal) extra.signal = last.signal;
      out.push({ type: 'io.kubeblink.pod.restarted', container: c, extra, time: last?.finishedAt ?? null });
    }
    // crashloop / imagepull-failed / config-error: the waiting reason became one of those.
    const waitingType = c.state === 'waiting' && c.reason ? WAITING_EVENTS[c.reason] : undefined;
    if (waitingType && !(p?.state === 'waiting' && p.reason === c.reason)) {
      const extra: Record<string, unknown> = { reason: c.reason };
      if (c.message) extra.message = c.message;
      out.push({ type: waitingType, container: c, extra, time: null });
    }
  }
  return out;
}

/** The terminated container that explains a Failed pod: the first with a non-zero exit code. */
function failureCause(r: PodRecord): { reason?: string; exitCode?: number | null; signal?: number | null } {
  const c = r.state.containers.find((x) => x.state === 'terminated' && x.exitCode !== 0);
  const reason = r.reason ?? c?.reason ?? undefined;
  return {
    ...(reason ? { reason } : {}),
    ...(c ? { exitCode: c.exitCode } : {}),
  };
}

export function podEvents(ctx: EventContext, prev: PodRecord | undefined, next: PodRecord): PodEvent[] {
  const s = next.state;
  const p = prev?.state;
  const events: PodEvent[] = [];
  const add = (type: PodEventType, extra: Record<string, unknown> = {}, time?: string | null, suffix?: string) =>
    events.push(podEvent(ctx, next, type, extra, time, suffix));

  if (s.node && !p?.node) add('io.kubeblink.pod.scheduled');

  // Several containers can trigger the same type in one update: the id then names the container,
  // so that the ids stay unique and deterministic (one container keeps the plain contract form).
  const triggers = containerTriggers(prev, next);
  const perType = new Map<PodEventType, number>();
  for (const t of triggers) perType.set(t.type, (perType.get(t.type) ?? 0) + 1);
  for (const t of triggers) {
    const suffix = (perType.get(t.type) ?? 0) > 1 ? t.container.name : undefined;
    add(t.type, { container: t.container.name, ...t.extra }, t.time, suffix);
  }

  if (s.podReady && !p?.podReady) add('io.kubeblink.pod.ready');
  if (!s.podReady && p?.podReady) add('io.kubeblink.pod.unready');

  const evictedNow = next.reason === 'Evicted' || next.disruption !== null;
  const evictedBefore = prev ? prev.reason === 'Evicted' || prev.disruption !== null : false;
  if (evictedNow && !evictedBefore) {
    const reason = next.disruption ?? next.reason ?? 'Evicted';
    add('io.kubeblink.pod.evicted', { reason, ...(next.message ? { message: next.message } : {}) });
  }
  // terminating is dated when the watcher saw the deletion; the deletionTimestamp is the deadline
  // (now + grace period), in the future: it goes in data (issue 14: it dated terminating after deleted).
  if (s.deletionTimestamp && !p?.deletionTimestamp)
    add('io.kubeblink.pod.terminating', { deadline: s.deletionTimestamp });
  // A pod being deleted ends as kubectl shows it, Terminating then gone: the terminal phase the
  // kubelet writes on the way out (its containers exit on SIGTERM) is no succeeded or failed
  // (issue 14: every pod a Deployment deleted first published `succeeded … Completed`).
  const ending = !s.deletionTimestamp;
  if (ending && s.phase === 'Succeeded' && p?.phase !== 'Succeeded') add('io.kubeblink.pod.succeeded');
  // A pod the kubelet evicted is Failed with reason Evicted: that is told by `evicted` above.
  if (ending && s.phase === 'Failed' && p?.phase !== 'Failed' && next.reason !== 'Evicted') {
    add('io.kubeblink.pod.failed', { ...failureCause(next), ...(next.message ? { message: next.message } : {}) });
  }
  return events;
}

/** The `deleted` event of a pod, from its last known state (or the DELETED object). */
export function podDeletedEvent(ctx: EventContext, last: PodRecord): PodEvent {
  return podEvent(ctx, last, 'io.kubeblink.pod.deleted');
}
