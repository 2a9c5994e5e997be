import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Controller, healthServerFromSettings, runUntilSignal, serviceRuntime } from '@kubeblink/core';
import { defaultKubeconfigPath } from '@kubeblink/kube/plain';
import type { PodRunnerSettings } from '@kubeblink/schemas';
import { PodRunner, type PodRunnerOptions } from './pod-runner.ts';
import { RunnerAlreadyRunning } from './runner-lease.ts';

export function defaultStateDir(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'kubeblink', 'pod-runner');
}

/** The runner and its health server as one controller (for `kubeblink pod-runner` and `sim up`). */
export function createPodRunner(settings: PodRunnerSettings, extra: Partial<PodRunnerOptions> = {}) {
  const rt = serviceRuntime('pod-runner', settings);
  const runner = new PodRunner({
    kubeconfig: settings.kubeconfig ?? defaultKubeconfigPath(),
    stateDir: settings.stateDir ?? defaultStateDir(),
    log: rt.log,
    broker: settings.broker,
    cluster: settings.cluster,
    backoffBaseSeconds: settings.backoffBaseSeconds,
    backoffMaxSeconds: settings.backoffMaxSeconds,
    syncSeconds: settings.syncSeconds,
    usageSeconds: settings.usageSeconds,
    tokenAudience: settings.tokenAudience,
    registry: rt.registry,
    ...extra,
  });
  let started = false;
  const controller = new Controller(rt.log);
  controller.add({
    name: 'pod-runner',
    start: async () => {
      await runner.start();
      started = true;
    },
    stop: () => runner.stop(),
  });
  controller.add(healthServerFromSettings(settings, rt, { ready: () => started }));
  return { controller, runner, log: rt.log };
}

export async function runPodRunner(settings: PodRunnerSettings): Promise<void> {
  const kubeconfig = settings.kubeconfig ?? defaultKubeconfigPath();
  if (!existsSync(kubeconfig)) {
    console.error(
      `kubeblink pod-runner: no kubeconfig at ${kubeconfig}; give --kubeconfig (\`kubeblink sim up\` prints KUBECONFIG=...)`,
    );
    process.exit(2);
  }
  const { controller, log } = createPodRunner(
    { ...settings, kubeconfig },
    // The command exits through its normal shutdown when another runner took over.
    { onLeaseLost: () => process.kill(process.pid, 'SIGTERM') },
  );
  try {
    await runUntilSignal(controller, log);
  } catch (err) {
    if (!(err instanceof RunnerAlreadyRunning)) throw err;
    console.error(`kubeblink pod-runner: ${err.message}`);
    process.exit(1);
  }
}
