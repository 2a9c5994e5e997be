// The simulated cluster (@kubeblink/sim: a real control plane with KWOK nodes) for *.cluster.test.ts,
// each test file with its own private one. When it cannot start (its binaries cannot be built here),
// `startSim` says why and the caller skips loudly; the skip is in the run's summary, and under CI
// it is a failure (test/support/system-tool.ts, issue 14).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as sim from '@kubeblink/sim';
import { missingTool, onPath } from './system-tool.ts';

/** The part of @kubeblink/sim's KubeClient the tests use. */
export interface SimKube {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<SimResponse>;
  must(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    ok?: number[],
  ): Promise<SimResponse>;
  close(): void;
}

export interface SimResponse {
  status: number;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: API objects are untyped JSON in tests
  json(): any;
}

export interface SimCluster {
  kubeconfig: string;
  /** The cluster's own pinned kubectl (the machine's is older). */
  kubectl: string;
  server: string;
  nodes: string[];
  stateDir: string;
  kube: SimKube;
  /** Label that makes KWOK leave a pod alone, so a test can write its status itself. */
  runnerLabel: string;
  setNodeHeartbeat(node: string, on: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a private simulated cluster (own state directory), or returns why it cannot. */
export async function startSim(o: { nodes?: number } = {}): Promise<SimCluster | string> {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'kubeblink-sim-')), 'sim');
  const lines: string[] = [];
  let state: sim.SimState;
  try {
    state = await sim.simUp({ stateDir, nodes: o.nodes ?? 2, log: (l) => lines.push(l) });
  } catch (err) {
    await sim.simDown({ stateDir }).catch(() => {});
    return simMissing(`sim up failed: ${(err as Error).message}\n${lines.slice(-20).join('\n')}`);
  }
  const kube = sim.simClient({ stateDir });
  return {
    kubeconfig: state.kubeconfig,
    kubectl: state.kubectl,
    server: state.server,
    nodes: state.nodes,
    stateDir,
    kube,
    runnerLabel: sim.RUNNER_LABEL,
    setNodeHeartbeat: (node, on) => sim.setNodeHeartbeat(kube, node, on),
    stop: async () => {
      kube.close();
      await sim.simDown({ stateDir });
      // the private parent directory (tests may have put files beside the state, e.g. a kubeconfig)
      rmSync(dirname(stateDir), { recursive: true, force: true });
    },
  };
}

/** How to get the simulated cluster's binaries (docs/simulated-cluster.md). */
export const SIM_BUILD =
  'services/sim/build/build.sh (Go 1.26.4 or newer; once, 12–16 min, cached in ~/.cache/kubeblink)';

/** The skip reason (recorded; a failure under CI) for a simulated cluster that cannot start here. */
export function simMissing(detail: string): string {
  return missingTool('the simulated cluster', SIM_BUILD, detail);
}

/**
 * For tests that start the cluster themselves (simUp): false when it can start here, else the skip
 * reason — its binaries are not cached and there is no Go to build them with.
 */
export function simUnbuildable(): string | false {
  if (sim.binariesReady() || onPath('go').length > 0) return false;
  return simMissing("its binaries are not built and there is no 'go' on PATH");
}

/** Prints a reason to skip that nobody can miss in a test log. */
export function loudSkip(what: string, why: string): string {
  const msg = `SKIPPED ${what}: ${why}`;
  const bar = '!'.repeat(Math.min(100, msg.length));
  console.warn(`\n${bar}\n${msg}\n${bar}\n`);
  return msg;
}
