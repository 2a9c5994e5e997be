// `kubeblink demo`: the same runDemo() for the command line and for tests; the command adds the
// terminal (narration on stdout, the progress line on stderr, Enter between steps) and Ctrl-C.
import { ClusterError, currentContext, loadFoundKubeConfig, tildePath } from '@kubeblink/kube';
import type { DemoSettings } from '@kubeblink/schemas';
import { ClusterContext, detectSim } from './cluster-context.ts';
import { demoNamespace } from './demo.ts';
import { demoObjects } from './demo-manifests.ts';
import { DEMOS, findDemo } from './demos/index.ts';
import { KitBus } from './kit-bus.ts';
import { Cleanups, type DemoIO, type RunHooks, runSteps } from './step-runner.ts';
import { terminalIO } from './terminal-io.ts';
import { DemoInterrupted, waitFor } from './wait.ts';

export class DemoUsageError extends Error {
  override name = 'DemoUsageError';
}

export interface DemoRunOptions {
  name: string;
  settings: Omit<DemoSettings, 'list'>;
  io: DemoIO;
  signal?: AbortSignal;
  onCheckpoint?: RunHooks['onCheckpoint'];
}

export function listDemos(): string {
  const w = Math.max(...DEMOS.map((d) => d.name.length));
  return DEMOS.map(
    (d) =>
      `${d.name.padEnd(w)}  ${d.summary}\n${' '.repeat(w)}  takes ${d.takes.sim} on the simulated cluster, ${d.takes.real} on a Pi cluster`,
  ).join('\n');
}

/** Runs one demo against the settings' kube context and bus; cleans up before it returns or throws. */
export async function runDemo(o: DemoRunOptions): Promise<void> {
  const demo = findDemo(o.name);
  if (!demo) throw new DemoUsageError(`no demo "${o.name}"; the demos are:\n${listDemos()}`);
  const s = o.settings;
  // No kubeconfig named: the running simulated cluster, as `up` uses (@kubeblink/kube's discovery).
  const { kc, found } = loadFoundKubeConfig({ kubeconfig: s.kubeconfig, context: s.context });
  const where = currentContext(kc);
  const objects = demoObjects(demo.name, s.registry);
  const sim = await detectSim(kc).catch((err) => {
    throw new ClusterError(err, { found, context: where.name, server: where.server });
  });
  o.io.out(
    `kubeblink demo ${demo.name}: ${demo.summary}\n` +
      `kube context ${where.name} (${where.server}, ${sim ? 'the simulated cluster' : 'a real cluster'}; ` +
      `kubeconfig ${tildePath(found.file)}); bus ${s.broker}, cluster "${s.cluster}"; takes ${sim ? demo.takes.sim : demo.takes.real}`,
  );
  const namespace = demoNamespace(demo.name);
  const bus = new KitBus(s, namespace);
  try {
    await bus.ready(15_000, o.signal);
    // Every wait reads the watcher's states: without a watcher publishing this cluster nothing would come.
    await waitFor(bus, 'the watcher', () => bus.kit.model.status?.state === 'ready', {
      timeoutMs: 30_000 * s.timeoutScale,
      signal: o.signal,
    }).catch((err) => {
      if (err instanceof DemoInterrupted) throw err;
      throw new Error(
        `no watcher publishes cluster "${s.cluster}" on ${s.broker} (status: ${bus.kit.model.status?.state ?? 'none'}): ` +
          `start one (kubeblink watcher --cluster ${s.cluster}) or give the right --cluster`,
      );
    });
    if (bus.pods().length) o.io.out(`note: pods of ${namespace} are already there (an earlier run?); going on`);
    const cleanups = new Cleanups();
    const ctx = new ClusterContext({
      kc,
      kubeconfigPath: found.file,
      sim,
      namespace,
      objects,
      bus,
      cleanups,
      io: o.io,
    });
    await runSteps(demo, ctx, bus, cleanups, o.io, {
      yes: s.yes,
      sim,
      signal: o.signal,
      timeoutScale: s.timeoutScale,
      onCheckpoint: o.onCheckpoint,
    });
    o.io.out(`\n${demo.name}: done, cleaned up.`);
  } finally {
    await bus.stop();
  }
}

export async function runDemoCommand(settings: DemoSettings, args: string[]): Promise<void> {
  if (settings.list) {
    console.log(listDemos());
    return;
  }
  const name = args[0];
  if (!name) {
    console.error(`kubeblink demo: name a demo (or --list):\n${listDemos()}`);
    process.exit(2);
  }
  const abort = new AbortController();
  const onSignal = () => {
    if (abort.signal.aborted) {
      process.stderr.write('\nkubeblink demo: stopped before the clean-up finished\n');
      process.exit(130);
    }
    process.stderr.write('\nkubeblink demo: stopping, cleaning up (Ctrl-C again to quit at once)\n');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let code = 0;
  try {
    await runDemo({ name, settings, io: terminalIO(), signal: abort.signal });
  } catch (err) {
    if (err instanceof DemoInterrupted) {
      process.stderr.write('kubeblink demo: interrupted; cleaned up\n');
      code = 130;
    } else {
      process.stderr.write(`kubeblink demo ${name}: ${(err as Error).message}\n`);
      code = err instanceof DemoUsageError ? 2 : 1;
    }
  }
  // The Kubernetes client keeps sockets alive: this is a one-shot command, so end here.
  process.exit(code);
}
