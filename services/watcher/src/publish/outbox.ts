// What waits to be published while the broker is slow or away. States are coalesced: one entry per
// topic, the latest wins (a tombstone included), so memory is bounded by the number of live objects.
// Transition events wait in a bounded FIFO: when it is full the oldest is dropped and counted, since
// a late "ready" is worth more than an old "scheduled".
import type { ClusterEvent, NodeState, PodState } from '@kubeblink/schemas';

export type StateItem =
  | { kind: 'podState'; node: string; namespace: string; pod: string; state: PodState | null }
  | { kind: 'nodeState'; node: string; state: NodeState | null };

export interface EventItem {
  node: string;
  event: ClusterEvent;
}

export class Outbox {
  private states = new Map<string, StateItem>();
  private events: EventItem[] = [];
  private head = 0;
  readonly maxEvents: number;
  dropped = 0;

  constructor(maxEvents: number) {
    if (!(maxEvents > 0)) throw new RangeError('maxEvents must be positive');
    this.maxEvents = maxEvents;
  }

  /** `key` is the topic: a later state for the same topic replaces the pending one. */
  putState(key: string, item: StateItem): void {
    // delete first so that the entry moves to the end: states stay in the order they last changed
    this.states.delete(key);
    this.states.set(key, item);
  }

  putEvent(item: EventItem): void {
    if (this.eventCount >= this.maxEvents) {
      this.head++;
      this.dropped++;
    }
    this.events.push(item);
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }

  /** Puts events that failed to publish back in front, within the bound. */
  requeueEvents(items: EventItem[]): void {
    const room = this.maxEvents - this.eventCount;
    const keep = items.slice(Math.max(0, items.length - room));
    this.dropped += items.length - keep.length;
    this.events = [...keep, ...this.events.slice(this.head)];
    this.head = 0;
  }

  /** Puts a state back unless a newer one for the topic arrived meanwhile. */
  requeueState(key: string, item: StateItem): void {
    if (!this.states.has(key)) this.states.set(key, item);
  }

  takeStates(max = Number.POSITIVE_INFINITY): [string, StateItem][] {
    const out: [string, StateItem][] = [];
    for (const entry of this.states) {
      if (out.length >= max) break;
      out.push(entry);
    }
    for (const [k] of out) this.states.delete(k);
    return out;
  }

  takeEvents(max = Number.POSITIVE_INFINITY): EventItem[] {
    const end = Math.min(this.events.length, this.head + max);
    const out = this.events.slice(this.head, end);
    this.head = end;
    if (this.head === this.events.length) {
      this.events = [];
      this.head = 0;
    }
    return out;
  }

  get stateCount(): number {
    return this.states.size;
  }

  get eventCount(): number {
    return this.events.length - this.head;
  }

  get empty(): boolean {
    return this.stateCount === 0 && this.eventCount === 0;
  }
}
