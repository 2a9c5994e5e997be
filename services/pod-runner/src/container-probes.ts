// One container instance's probes (ContainerProber) wired to the kubelet's reactions: every failed
// attempt is an Unhealthy event and a counted failure; a liveness or startup probe failed for good
// kills the instance (Killing event) so the restart policy starts another; readiness and startup
// changes reach the container's status.
import type { Logger } from '@kubeblink/core';
import type { V1Container } from '@kubernetes/client-node';
import type { EventType } from './events.ts';
import { ContainerProber } from './prober.ts';
import type { RunnerMetrics } from './runner-metrics.ts';

export interface ProbeWiring {
  spec: V1Container;
  log: Logger;
  metrics: RunnerMetrics;
  event(type: EventType, reason: string, message: string): void;
  /** The local port behind a probe's declared port, and the address the messages name. */
  target(declared: number | undefined): { port: number; shown: string };
  /** started or ready may have changed. */
  changed(): void;
  /** Is the instance these probes watch still the running one? A late failure kills nothing else. */
  current(): boolean;
  /** Kills the instance; graceMs from the probe, else the pod's grace period. */
  kill(graceMs: number | undefined): void;
}

export function startProbes(w: ProbeWiring): ContainerProber {
  const container = w.spec.name;
  return new ContainerProber(w.spec, {
    target: (declared) => w.target(declared),
    failed: (kind, message) => {
      w.metrics.probeFailures.inc({ probe: kind });
      w.event('Warning', 'Unhealthy', message);
    },
    changed: () => w.changed(),
    unsupported: (kind, what) =>
      w.log.warn({ container, probe: kind }, `${what} probes are not run by the simulation: taken as passing`),
    kill: (kind, graceMs) => {
      if (!w.current()) return;
      w.log.info({ container, probe: kind }, `container failed ${kind} probe, will be restarted`);
      w.event('Normal', 'Killing', `Container ${container} failed ${kind} probe, will be restarted`);
      w.kill(graceMs);
    },
  });
}
