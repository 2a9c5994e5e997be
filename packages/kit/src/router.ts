// Typed handlers per event type and per app signal. Browser-safe.
import type {
  AppSignal,
  AppSignalType,
  ClusterEvent,
  NodeEvent,
  NodeEventType,
  PodEvent,
  PodEventType,
} from '@kubeblink/schemas';

/** An event type, all pod or all node events, or every event. */
export type EventPattern = PodEventType | NodeEventType | 'io.kubeblink.pod.*' | 'io.kubeblink.node.*' | '*';

export type EventOf<P extends EventPattern> = P extends PodEventType
  ? PodEvent & { type: P }
  : P extends NodeEventType
    ? NodeEvent & { type: P }
    : P extends 'io.kubeblink.pod.*'
      ? PodEvent
      : P extends 'io.kubeblink.node.*'
        ? NodeEvent
        : ClusterEvent;

/** The last segment of an app signal type: request, heartbeat, liveness, readiness. */
export type SignalName = AppSignalType extends `io.kubeblink.app.${infer S}` ? S : never;
export type SignalOf<S extends SignalName | '*'> = S extends SignalName
  ? AppSignal & { type: `io.kubeblink.app.${S}` }
  : AppSignal;

export type Handler<T> = (value: T) => void | Promise<void>;

/** Event ids are deterministic (<uid>/<resourceVersion>/<type>): a QoS 1 redelivery is dropped by id. */
const DEDUP_WINDOW = 4096;

export class Router {
  private readonly events = new Map<string, Set<Handler<ClusterEvent>>>();
  private readonly signals = new Map<string, Set<Handler<AppSignal>>>();
  private readonly recentIds = new Set<string>();
  private readonly onError: (err: unknown) => void;
  duplicates = 0;

  constructor(onError: (err: unknown) => void) {
    this.onError = onError;
  }

  on<P extends EventPattern>(pattern: P, handler: Handler<EventOf<P>>): () => void {
    return add(this.events, pattern, handler as Handler<ClusterEvent>);
  }

  onSignal<S extends SignalName | '*'>(name: S, handler: Handler<SignalOf<S>>): () => void {
    return add(this.signals, name, handler as Handler<AppSignal>);
  }

  get hasSignalHandlers(): boolean {
    return this.signals.size > 0;
  }

  event(e: ClusterEvent): void {
    if (this.recentIds.has(e.id)) {
      this.duplicates++;
      return;
    }
    this.recentIds.add(e.id);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (this.recentIds.size > DEDUP_WINDOW) this.recentIds.delete(this.recentIds.values().next().value as string);
    const group = e.type.startsWith('io.kubeblink.pod.') ? 'io.kubeblink.pod.*' : 'io.kubeblink.node.*';
    this.run(this.events.get(e.type), e);
    this.run(this.events.get(group), e);
    this.run(this.events.get('*'), e);
  }

  signal(s: AppSignal): void {
    this.run(this.signals.get(s.type.slice('io.kubeblink.app.'.length)), s);
    this.run(this.signals.get('*'), s);
  }

  private run<T>(handlers: Set<Handler<T>> | undefined, value: T): void {
    if (!handlers) return;
    for (const h of handlers) {
      try {
        const r = h(value);
        if (r && typeof r.catch === 'function') r.catch(this.onError);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}

function add<T>(map: Map<string, Set<Handler<T>>>, key: string, handler: Handler<T>): () => void {
  const set = map.get(key) ?? new Set<Handler<T>>();
  map.set(key, set);
  set.add(handler);
  return () => {
    set.delete(handler);
    if (set.size === 0) map.delete(key);
  };
}
