// The probe workers of one container instance: each probe on its own timer (first run after
// initialDelaySeconds, then every periodSeconds); liveness and readiness wait for startup.
import type { V1Container } from '@kubernetes/client-node';
import { type ProbeKind, ProbeState, probe, probePort, probeSpec } from './probes.ts';

export interface ProberHooks {
  /** The local port behind a probe's declared port, and the address the messages name. */
  target(declared: number | undefined): { port: number; shown: string };
  /** One failed attempt (before thresholds), worded as the kubelet's Unhealthy event. */
  failed(kind: ProbeKind, message: string): void;
  /** started or ready may have changed. */
  changed(): void;
  /** A liveness or startup probe failed for good: the container is to be killed and restarted. */
  kill(kind: ProbeKind, graceMs: number | undefined): void;
  /** A probe the runner cannot run (exec, gRPC): it is taken as passing. */
  unsupported(kind: ProbeKind, what: string): void;
}

export class ContainerProber {
  readonly probes: Partial<Record<ProbeKind, ProbeState>> = {};
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly hooks: ProberHooks;
  private readonly spec: V1Container;
  private stopped = false;

  constructor(spec: V1Container, hooks: ProberHooks) {
    this.spec = spec;
    this.hooks = hooks;
    for (const kind of ['startup', 'liveness', 'readiness'] as const) {
      const ps = probeSpec(spec[`${kind}Probe`]);
      if (!ps) continue;
      // exec and gRPC probes need a container to run in: they count as passing, said once here.
      if (ps.action.kind === 'unsupported') hooks.unsupported(kind, ps.action.what);
      const state = new ProbeState(kind, ps);
      this.probes[kind] = state;
      const tick = () => void this.run(state);
      this.timers.push(
        setTimeout(() => {
          tick();
          this.timers.push(setInterval(tick, ps.periodMs));
        }, ps.initialDelayMs),
      );
    }
  }

  /** Startup succeeded (or there is no startup probe). */
  get started(): boolean {
    return this.probes.startup ? this.probes.startup.result === 'success' : true;
  }

  get ready(): boolean {
    return this.started && (this.probes.readiness ? this.probes.readiness.result === 'success' : true);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
  }

  private async run(state: ProbeState): Promise<void> {
    if (this.stopped || state.onHold) return;
    if (state.kind === 'startup' ? this.started : !this.started) return;
    const action = state.spec.action;
    const { port, shown } = this.hooks.target(
      action.kind === 'unsupported' ? undefined : probePort(action.port, this.spec),
    );
    const { ok, detail } = await probe(action, port, state.spec.timeoutMs, shown);
    if (this.stopped) return;
    if (!ok)
      this.hooks.failed(state.kind, `${state.kind[0]?.toUpperCase()}${state.kind.slice(1)} probe failed: ${detail}`);
    if (!state.observe(ok)) return;
    if (state.kind === 'readiness' || state.result === 'success') this.hooks.changed();
    else if (state.result === 'failure') this.hooks.kill(state.kind, state.spec.terminationGraceMs);
  }
}
