// The engine's record of one pod: its latest state, when each of its patterns began, its flash
// channels, and which slot it holds. Slot assignment lives here too (see assignSlots).
import type { PodState } from '@kubeblink/schemas';
import { FlashChannel } from './flash.ts';
import { TIMING } from './patterns.ts';
import { type PodKind, podKind } from './pod-kind.ts';
import { matchesSelector, parseSelector, type Requirement } from './selector.ts';

export interface Probe {
  /** Latest result: null until the first probe signal. */
  ok: boolean | null;
  okFlash: FlashChannel;
  /** Repeated failures while the fail LED is already lit show as a short dark blip. */
  failFlash: FlashChannel;
}

export interface PodRecord {
  key: string;
  state: PodState;
  kind: PodKind;
  /** When the current kind began: the anchor of its pattern. */
  kindSince: number;
  eligibleAt: number;
  terminatingSince: number | null;
  /** Start of the latest restart's triple flash. */
  restartAt: number | null;
  slot: number | null;
  /** Last time the retained state was (re)delivered, for the resync after a reconnect. */
  seenAt: number;
  request: FlashChannel;
  liveness: Probe;
  readiness: Probe;
  lastHeartbeat: number | null;
}

const probe = (): Probe => ({
  ok: null,
  okFlash: new FlashChannel(TIMING.probeFlashMs, TIMING.flashGapMs),
  failFlash: new FlashChannel(TIMING.probeFlashMs, TIMING.flashGapMs),
});

export function podKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function newRecord(state: PodState, now: number): PodRecord {
  const kind = podKind(state);
  return {
    key: podKey(state.namespace, state.name),
    state,
    kind,
    kindSince: now,
    eligibleAt: now + TIMING.assignDelayMs,
    terminatingSince: kind === 'terminating' ? now : null,
    restartAt: null,
    slot: null,
    seenAt: now,
    request: new FlashChannel(TIMING.flashMs, TIMING.flashGapMs),
    liveness: probe(),
    readiness: probe(),
    lastHeartbeat: null,
  };
}

/** Moves a record to a new state of the same pod (same uid). */
export function updateRecord(rec: PodRecord, state: PodState, now: number): void {
  rec.state = state;
  rec.seenAt = now;
  const kind = podKind(state);
  if (kind !== rec.kind) {
    // Terminating is final: a late state without deletionTimestamp cannot bring the pod back.
    if (rec.kind === 'terminating') return;
    rec.kind = kind;
    rec.kindSince = now;
    if (kind === 'terminating') rec.terminatingSince = now;
  }
}

export interface PodFilter {
  /** Only these namespaces (empty or absent: every namespace not excluded). */
  namespaces?: readonly string[];
  /** Never these; default kube-system and kubeblink's own namespace. */
  excludeNamespaces?: readonly string[];
  /** A Kubernetes label selector, e.g. `app=web,tier!=db`. */
  selector?: string;
}

export const DEFAULT_EXCLUDED_NAMESPACES: readonly string[] = ['kube-system', 'kubeblink'];

export function podMatcher(filter: PodFilter = {}): (pod: PodState) => boolean {
  const include = new Set(filter.namespaces ?? []);
  const exclude = new Set(filter.excludeNamespaces ?? DEFAULT_EXCLUDED_NAMESPACES);
  const requirements: Requirement[] = filter.selector ? parseSelector(filter.selector) : [];
  return (pod) =>
    (include.size === 0 || include.has(pod.namespace)) &&
    !exclude.has(pod.namespace) &&
    matchesSelector(requirements, pod.labels);
}

/**
 * Gives free slots to waiting pods. The rule (README "more pods than slots"):
 * - a pod waits assignDelayMs after it is first seen, so pods seen together (the retained states at
 *   start) are placed in one batch, in a stable order;
 * - a StatefulSet pod takes the slot of its ordinal when that slot exists and is free;
 * - everyone else, oldest first (createdAt, then namespace/name), takes the lowest free slot;
 * - a pod keeps its slot until it is deleted, finishes or stops matching the filter; pods that find no
 *   free slot wait (overflow, oldest first) and get the next slot that frees up;
 * - terminating pods that never had a slot are not shown.
 */
export function assignSlots(pods: Iterable<PodRecord>, slots: (string | null)[], now: number): void {
  const waiting = [...pods]
    .filter((p) => p.slot === null && p.eligibleAt <= now && p.kind !== 'terminating' && p.kind !== 'finished')
    .sort(byAge);
  if (waiting.length === 0) return;
  const withOrdinal = waiting.filter((p) => p.state.ordinal != null);
  for (const p of withOrdinal) {
    const ordinal = p.state.ordinal as number;
    if (ordinal < slots.length && slots[ordinal] === null) take(p, ordinal, slots, now);
  }
  for (const p of waiting) {
    if (p.slot !== null) continue;
    const free = slots.indexOf(null);
    if (free < 0) return;
    take(p, free, slots, now);
  }
}

function take(p: PodRecord, slot: number, slots: (string | null)[], now: number): void {
  slots[slot] = p.key;
  p.slot = slot;
  // The pattern starts when the pod appears on the board, not when its state arrived.
  p.kindSince = Math.max(p.kindSince, now);
}

export function byAge(a: PodRecord, b: PodRecord): number {
  const ta = Date.parse(a.state.createdAt);
  const tb = Date.parse(b.state.createdAt);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
