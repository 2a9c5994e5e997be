// The kubelet's killContainer (pkg/kubelet/kuberuntime kuberuntime_container.go): the preStop hook
// (HTTP GET or sleep) within the grace period, then SIGTERM, and SIGKILL when the rest of the grace
// period is over, at least 2 s after the hook (minimumGracePeriodInSeconds).
import type { V1Container } from '@kubernetes/client-node';
import { probePort, probeSpec, runProbe } from './probes.ts';
import type { ContainerProcess } from './process.ts';

const MIN_GRACE_AFTER_HOOK_MS = 2000;

/** `localPort` maps a port of the container's own numbering to where it listens on this machine. */
export async function killContainer(
  proc: ContainerProcess,
  spec: V1Container,
  graceMs: number,
  localPort: (declared: number | undefined) => number,
): Promise<void> {
  const started = Date.now();
  const hook = spec.lifecycle?.preStop;
  if (graceMs > 0 && hook?.httpGet) {
    const action = probeSpec({ httpGet: hook.httpGet })?.action;
    const port = localPort(probePort(hook.httpGet.port as number | string, spec));
    if (action) await runProbe(action, port, graceMs);
  } else if (graceMs > 0 && hook?.sleep) {
    await new Promise((r) => setTimeout(r, Math.min(hook.sleep?.seconds ?? 0, graceMs / 1000) * 1000));
  }
  const left = hook && graceMs > 0 ? Math.max(MIN_GRACE_AFTER_HOOK_MS, graceMs - (Date.now() - started)) : graceMs;
  await proc.stop(left);
}
