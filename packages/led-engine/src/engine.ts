// The one animation engine: pod states, cluster events, app signals, the cluster status and the broker
// connection go in, each with the time it happened; the level (0..1) of every LED at any time comes
// out. It has no timers and does no I/O, so the GPIO driver, tests with a fake clock and the browser
// display compute the same picture. Time is any monotonic millisecond clock, and calls must come with
// non-decreasing times (levels() also advances slot assignment and the reconnect resync).
import type { AppSignal, ClusterEvent, ClusterStatus, NodeState, PodState } from '@kubeblink/schemas';
import { flattenLayout, type LedInfo, type LedLayout } from './layout.ts';
import { levelAt, nextEdge, PATTERNS, type PatternName, TIMING } from './patterns.ts';
import {
  assignSlots,
  byAge,
  newRecord,
  type PodFilter,
  type PodRecord,
  podKey,
  podMatcher,
  updateRecord,
} from './pods.ts';
import { slotLed, slotLedEdge } from './render.ts';
import { type LedSnapshot, snapshotOf } from './snapshot.ts';

export interface EngineOptions {
  layout: LedLayout;
  /** The node this board belongs to: node events about other nodes are ignored. */
  node?: string;
  filter?: PodFilter;
  /** Whether the board can dim a pin (default: yes); a LED dims only if the layout says pwm and this agrees. */
  canPwm?: (pin: number | string) => boolean;
}

type ClusterState = ClusterStatus['state'] | null;
const EVENT_MEMORY = 512;

export class LedEngine {
  readonly layout: LedLayout;
  readonly leds: readonly LedInfo[];
  private readonly matches: (pod: PodState) => boolean;
  private readonly node: string | undefined;
  private readonly pods = new Map<string, PodRecord>();
  private readonly slots: (string | null)[];
  /** Slots whose state LED also shows request flashes (no request LED of their own). */
  private readonly requestOnState: boolean[];
  private readonly hasStatusLed: boolean;
  private connected = false;
  private connectedSince = 0;
  private cluster: ClusterState = null;
  private clusterSince = 0;
  private nodeReady = true;
  private nodeSince = 0;
  private staleSince = 0;
  private overflowSince = 0;
  private overflowing = false;
  private resync: { started: number; until: number } | null = null;
  private readonly seenEvents = new Set<string>();

  constructor(opts: EngineOptions) {
    this.layout = opts.layout;
    this.leds = flattenLayout(opts.layout, opts.canPwm);
    this.matches = podMatcher(opts.filter);
    this.node = opts.node;
    this.slots = opts.layout.slots.map(() => null);
    this.requestOnState = opts.layout.slots.map((s) => !s.leds.some((l) => l.role === 'request'));
    this.hasStatusLed = opts.layout.status !== undefined;
  }

  // ---- inputs --------------------------------------------------------------------------------

  /** A pod's retained state (or an update of it). */
  setPod(state: PodState, now: number): void {
    const key = podKey(state.namespace, state.name);
    const old = this.pods.get(key);
    if (!this.matches(state)) {
      if (old) this.drop(old);
      return;
    }
    if (old && old.state.uid !== state.uid) this.drop(old); // recreated under the same name: a new pod
    const rec = this.pods.get(key);
    if (rec) updateRecord(rec, state, now);
    else this.pods.set(key, newRecord(state, now));
    const cur = this.pods.get(key) as PodRecord;
    if (cur.kind === 'finished') this.drop(cur);
  }

  /** The pod's state was deleted (zero-length retained payload). */
  removePod(namespace: string, name: string, _now: number): void {
    const rec = this.pods.get(podKey(namespace, name));
    if (rec) this.drop(rec);
  }

  applyEvent(event: ClusterEvent, now: number): void {
    if (this.seenEvents.has(event.id)) return; // ids are deterministic: a redelivery
    this.seenEvents.add(event.id);
    if (this.seenEvents.size > EVENT_MEMORY) this.seenEvents.delete(this.seenEvents.values().next().value as string);
    if (event.type.startsWith('io.kubeblink.node.')) {
      const data = event.data as { name: string; ready: string };
      if (this.node !== undefined && data.name !== this.node) return;
      this.setNodeReady(data.ready === 'True', now);
      return;
    }
    const data = event.data as { namespace: string; name: string; uid: string };
    const rec = this.pods.get(podKey(data.namespace, data.name));
    if (!rec || rec.state.uid !== data.uid) return;
    switch (event.type) {
      case 'io.kubeblink.pod.restarted':
        rec.restartAt = now;
        break;
      case 'io.kubeblink.pod.terminating':
        if (rec.kind !== 'terminating') {
          rec.kind = 'terminating';
          rec.kindSince = now;
          rec.terminatingSince = now;
        }
        break;
      case 'io.kubeblink.pod.deleted':
        this.drop(rec);
        break;
      default:
        // Every other transition also arrives as the pod's new retained state, which decides the pattern.
        break;
    }
  }

  applySignal(signal: AppSignal, now: number): void {
    const rec = this.pods.get(podKey(signal.data.namespace, signal.data.pod));
    if (!rec || rec.kind === 'terminating') return;
    switch (signal.type) {
      case 'io.kubeblink.app.request':
        rec.request.trigger(now);
        break;
      case 'io.kubeblink.app.heartbeat':
        rec.lastHeartbeat = now;
        break;
      case 'io.kubeblink.app.liveness':
      case 'io.kubeblink.app.readiness': {
        const probe = signal.type === 'io.kubeblink.app.liveness' ? rec.liveness : rec.readiness;
        const ok = signal.data.ok === true;
        if (ok) probe.okFlash.trigger(now);
        else if (probe.ok === false) probe.failFlash.trigger(now); // already lit: blink it dark
        probe.ok = ok;
        break;
      }
    }
  }

  setNodeState(state: NodeState | null, now: number): void {
    this.setNodeReady(state === null || state.ready === 'True', now);
  }

  /** The retained cluster status (null: deleted or never published). */
  setClusterStatus(state: ClusterState, now: number): void {
    if (state === this.cluster) return;
    const wasStale = this.stale;
    this.cluster = state;
    this.clusterSince = now;
    if (!wasStale && this.stale) this.staleSince = now;
  }

  /**
   * The broker connection. A reconnect with a clean session redelivers every retained state: pods whose
   * state does not come again within resyncMs were deleted while we were away.
   */
  setConnected(connected: boolean, now: number): void {
    if (connected === this.connected) return;
    const wasStale = this.stale;
    this.connected = connected;
    this.connectedSince = now;
    if (connected && this.pods.size > 0) this.resync = { started: now, until: now + TIMING.resyncMs };
    if (!wasStale && this.stale) this.staleSince = now;
  }

  // ---- outputs -------------------------------------------------------------------------------

  /** The broker is lost or no watcher publishes: the picture may be out of date. */
  get stale(): boolean {
    return !this.connected || this.cluster === 'offline';
  }

  /** Level of every LED (index = LedInfo.index) at `now`. */
  levels(now: number): number[] {
    this.advance(now);
    return this.leds.map((led) => this.level(led, now).level);
  }

  /**
   * The earliest time after `now` at which a level may change without new input: the next edge of an
   * on/off pattern, a slot assignment, or `now + frameMs` while a smooth (PWM) curve runs. Infinity
   * when the picture is still. A driver sleeps until then (or until new input) instead of polling.
   */
  nextChange(now: number, frameMs = 20): number {
    this.advance(now);
    let next = Number.POSITIVE_INFINITY;
    for (const rec of this.pods.values())
      if (rec.slot === null && rec.eligibleAt > now) next = Math.min(next, rec.eligibleAt);
    if (this.resync) next = Math.min(next, this.resync.until);
    const dimOnOff = this.stale && !this.hasStatusLed;
    for (const led of this.leds) {
      if (led.slot === null) {
        const s = this.statusPattern();
        next = Math.min(next, nextEdge(PATTERNS[s.name], s.anchor, now, frameMs));
        continue;
      }
      next = Math.min(
        next,
        slotLedEdge(led, this.podInSlot(led.slot), this.requestOnState[led.slot] ?? false, now, frameMs),
      );
      if (dimOnOff && !led.pwm) next = Math.min(next, nextEdge(PATTERNS.staleMask, this.staleSince, now, frameMs));
    }
    return next;
  }

  snapshot(now: number): LedSnapshot {
    this.advance(now);
    const overflow = this.waiting(now);
    return snapshotOf({
      layout: this.layout,
      leds: this.leds,
      views: this.leds.map((led) => this.level(led, now)),
      slots: this.slots.map((key) => (key === null ? null : (this.pods.get(key) ?? null))),
      overflow,
      connected: this.connected,
      cluster: this.cluster,
      nodeReady: this.nodeReady,
      stale: this.stale,
      now,
    });
  }

  // ---- internals -----------------------------------------------------------------------------

  private level(led: LedInfo, now: number): { level: number; pattern: string } {
    if (led.slot === null) {
      const s = this.statusPattern();
      return { level: levelAt(PATTERNS[s.name], s.anchor, now), pattern: s.name };
    }
    const view = slotLed(led, this.podInSlot(led.slot), this.requestOnState[led.slot] ?? false, now);
    if (!this.stale || this.hasStatusLed || view.level === 0) return view;
    // No status LED: the slots themselves say the picture may be stale, and keep the last state.
    const level = led.pwm ? view.level * TIMING.staleDim : levelAt(PATTERNS.staleMask, this.staleSince, now);
    return { level, pattern: `${view.pattern}+stale` };
  }

  /** Status LED priorities: broker lost, watcher offline, node not ready, syncing, overflow, all well. */
  private statusPattern(): { name: PatternName; anchor: number } {
    if (!this.connected) return { name: 'statusBrokerLost', anchor: this.connectedSince };
    if (this.cluster === 'offline') return { name: 'statusWatcherOffline', anchor: this.clusterSince };
    if (!this.nodeReady) return { name: 'statusNodeNotReady', anchor: this.nodeSince };
    if (this.cluster !== 'ready')
      return { name: 'statusSyncing', anchor: Math.max(this.clusterSince, this.connectedSince) };
    if (this.overflowing) return { name: 'statusOverflow', anchor: this.overflowSince };
    return { name: 'steady', anchor: 0 };
  }

  /** Pods that are due for a slot but find none free. */
  private waiting(now: number): PodRecord[] {
    return [...this.pods.values()]
      .filter((p) => p.slot === null && p.eligibleAt <= now && p.kind !== 'terminating')
      .sort(byAge);
  }

  private setNodeReady(ready: boolean, now: number): void {
    if (ready === this.nodeReady) return;
    this.nodeReady = ready;
    this.nodeSince = now;
  }

  private podInSlot(slot: number): PodRecord | null {
    const key = this.slots[slot];
    return key == null ? null : (this.pods.get(key) ?? null);
  }

  private drop(rec: PodRecord): void {
    this.pods.delete(rec.key);
    if (rec.slot !== null && this.slots[rec.slot] === rec.key) this.slots[rec.slot] = null;
  }

  private advance(now: number): void {
    if (this.resync && now >= this.resync.until) {
      const { started } = this.resync;
      this.resync = null;
      for (const rec of [...this.pods.values()]) if (rec.seenAt < started) this.drop(rec);
    }
    assignSlots(this.pods.values(), this.slots, now);
    const overflowing = this.waiting(now).length > 0;
    if (overflowing && !this.overflowing) this.overflowSince = now;
    this.overflowing = overflowing;
  }
}
