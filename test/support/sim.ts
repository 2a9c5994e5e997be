// The simulated cluster (@kubeblink/sim: a real control plane with KWOK nodes) for *.cluster.test.ts.
// Loaded at run time from the sim package; when it is not there (a branch without it), or its
// binaries cannot be built, `startSim` says why and the caller skips loudly. KUBEBLINK_SIM_MODULE may
// point at the package's src/index.ts elsewhere (a worktree of the sim branch).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

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

interface SimModule {
  simUp(o: { stateDir?: string; nodes?: number; log?: (line: string) => void }): Promise<{
    kubeconfig: string;
    server: string;
    nodes: string[];
  }>;
  simDown(o: { stateDir?: string }): Promise<boolean>;
  simClient(o: { stateDir?: string }): SimKube;
  setNodeHeartbeat(kube: SimKube, node: string, on: boolean): Promise<void>;
  RUNNER_LABEL: string;
}

export interface SimCluster {
  kubeconfig: string;
  server: string;
  nodes: string[];
  stateDir: string;
  kube: SimKube;
  /** Label that makes KWOK leave a pod alone, so a test can write its status itself. */
  runnerLabel: string;
  setNodeHeartbeat(node: string, on: boolean): Promise<void>;
  stop(): Promise<void>;
}

async function loadSim(): Promise<SimModule | string> {
  const name = '@kubeblink/sim';
  try {
    return (await import(name)) as SimModule;
  } catch {}
  const path = process.env.KUBEBLINK_SIM_MODULE;
  if (path) {
    try {
      return (await import(path)) as SimModule;
    } catch (err) {
      return `KUBEBLINK_SIM_MODULE=${path} could not be loaded: ${(err as Error).message}`;
    }
  }
  return 'the @kubeblink/sim package is not in this checkout (and KUBEBLINK_SIM_MODULE is not set)';
}

/** Starts a private simulated cluster (own state directory), or returns why it cannot. */
export async function startSim(o: { nodes?: number } = {}): Promise<SimCluster | string> {
  const sim = await loadSim();
  if (typeof sim === 'string') return sim;
  const stateDir = join(mkdtempSync(join(tmpdir(), 'kubeblink-sim-')), 'sim');
  const lines: string[] = [];
  let state: Awaited<ReturnType<SimModule['simUp']>>;
  try {
    state = await sim.simUp({ stateDir, nodes: o.nodes ?? 2, log: (l) => lines.push(l) });
  } catch (err) {
    await sim.simDown({ stateDir }).catch(() => {});
    return `sim up failed: ${(err as Error).message}\n${lines.slice(-20).join('\n')}`;
  }
  const kube = sim.simClient({ stateDir });
  return {
    kubeconfig: state.kubeconfig,
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

/** Prints a reason to skip that nobody can miss in a test log. */
export function loudSkip(what: string, why: string): string {
  const msg = `SKIPPED ${what}: NO SIMULATED CLUSTER — ${why}`;
  const bar = '!'.repeat(Math.min(100, msg.length));
  console.warn(`\n${bar}\n${msg}\n${bar}\n`);
  return msg;
}
