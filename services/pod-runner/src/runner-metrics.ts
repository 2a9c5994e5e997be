// The runner's own Prometheus metrics (served on its /metrics).
import { counter, createRegistry, gauge, type Registry } from '@kubeblink/core';

export function runnerMetrics(registry: Registry = createRegistry('pod-runner', false)) {
  return {
    pods: gauge(registry, 'kubeblink_runner_pods', 'Pods the runner plays the kubelet for'),
    starts: counter(registry, 'kubeblink_runner_container_starts_total', 'Container processes started'),
    exits: counter(registry, 'kubeblink_runner_container_exits_total', 'Container processes that ended, by reason', [
      'reason',
    ]),
    probeFailures: counter(
      registry,
      'kubeblink_runner_probe_failures_total',
      'Failed probes (single attempts, before thresholds)',
      ['probe'],
    ),
    statusWrites: counter(registry, 'kubeblink_runner_status_writes_total', 'Pod status patches, by result', [
      'result',
    ]),
  };
}

export type RunnerMetrics = ReturnType<typeof runnerMetrics>;
