// @kubeblink/pod-runner: the simulated cluster's kubelet for demo-app pods (docs/simulated-cluster.md, "The pod runner").
import { loadSettings } from '@kubeblink/core';
import type { PodRunnerSettings } from '@kubeblink/schemas';
import { createPodRunner } from './main.ts';
import { KUBEBLINK_BIN } from './process.ts';

export { podRunnerCommand } from './command.ts';
export { resolveImage } from './image.ts';
export { KubeletBackoff } from './kubelet-backoff.ts';
export { createPodRunner, defaultStateDir } from './main.ts';
export { USAGE_CPU_ANNOTATION, USAGE_MEMORY_ANNOTATION } from './pod.ts';
export { HEARTBEAT_STOPPED_HOLDER, PodRunner } from './pod-runner.ts';
export { RUNNER_LEASE, RunnerAlreadyRunning } from './runner-lease.ts';
export { ENDPOINT_ANNOTATION, ENDPOINTS_ANNOTATION } from './service-proxy.ts';

export interface RunningPodRunner {
  runner: ReturnType<typeof createPodRunner>['runner'];
  stop(): Promise<void>;
}

/**
 * Starts the pod runner in this process (`sim up` can call this, or run `kubeblink pod-runner` as a
 * child). Settings are the command's (flags' names), validated with their defaults; the environment
 * is not read.
 */
export async function startPodRunner(
  settings: Partial<PodRunnerSettings> & { kubeconfig: string },
): Promise<RunningPodRunner> {
  const full = loadSettings('podRunnerSettings', { flags: { httpPort: 0, ...settings }, env: {} });
  const { controller, runner } = createPodRunner(full);
  await controller.start();
  return { runner, stop: () => controller.stop() };
}

/**
 * The command line that runs the pod runner as a daemon (for `sim up`, which starts its processes
 * detached): `exe args...` = this Node running `kubeblink pod-runner` with these settings as flags.
 */
export function podRunnerDaemon(settings: Partial<PodRunnerSettings> & { kubeconfig: string }): {
  exe: string;
  args: string[];
} {
  const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const args = [KUBEBLINK_BIN, 'pod-runner'];
  for (const [k, v] of Object.entries(settings)) if (v !== undefined) args.push(flag(k), String(v));
  return { exe: process.execPath, args };
}

export async function stopPodRunner(running: RunningPodRunner): Promise<void> {
  await running.stop();
}
