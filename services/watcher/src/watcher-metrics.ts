// The watcher's Prometheus metrics (kubeblink_watcher_*), on the service's own registry.
import { counter, gauge, type Registry } from '@kubeblink/core';

export function watcherMetrics(registry: Registry) {
  let lastWatchEvent = Date.now();
  const m = {
    events: counter(registry, 'kubeblink_watcher_events_total', 'Transition events produced, by type', ['type']),
    eventsDropped: counter(
      registry,
      'kubeblink_watcher_events_dropped_total',
      'Transition events dropped because the queue was full while the broker was slow or away',
    ),
    statesPublished: counter(registry, 'kubeblink_watcher_states_published_total', 'Retained states published', [
      'kind',
      'tombstone',
    ]),
    staleCleared: counter(
      registry,
      'kubeblink_watcher_stale_states_cleared_total',
      'Retained states found on the broker that no longer exist, cleared',
    ),
    publishErrors: counter(registry, 'kubeblink_watcher_publish_errors_total', 'Publishes refused or failed', ['kind']),
    watchRestarts: counter(registry, 'kubeblink_watcher_watch_restarts_total', 'Watches restarted', [
      'resource',
      'cause',
    ]),
    relists: counter(registry, 'kubeblink_watcher_relists_total', 'Lists (syncs) done, the first one included', [
      'resource',
    ]),
    watchEvents: counter(registry, 'kubeblink_watcher_watch_events_total', 'Watch events received', [
      'resource',
      'type',
    ]),
    queueDepth: gauge(registry, 'kubeblink_watcher_queue_depth', 'Items waiting to be published', ['queue']),
    objects: gauge(registry, 'kubeblink_watcher_objects', 'Live objects known', ['resource']),
    ready: gauge(registry, 'kubeblink_watcher_ready', '1 once the first sync is published (cluster status ready)'),
    secondsSinceWatchEvent: gauge(
      registry,
      'kubeblink_watcher_seconds_since_last_watch_event',
      'Seconds since the last watch event (bookmarks included) of any resource',
    ),
    /** Marks that a watch event (or bookmark) arrived. */
    sawWatchEvent(): void {
      lastWatchEvent = Date.now();
    },
  };
  // prom-client calls collect() on scrape: the gauge is always current without a timer.
  (m.secondsSinceWatchEvent as unknown as { collect?: () => void }).collect = function (this: {
    set(v: number): void;
  }) {
    this.set((Date.now() - lastWatchEvent) / 1000);
  };
  return m;
}

export type WatcherMetrics = ReturnType<typeof watcherMetrics>;
