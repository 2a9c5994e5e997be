// The simulated cluster (issue 4, package @kubeblink/sim) for the broker's cluster tests.
// The broker was built in parallel with the simulator: the import is by name at run time, so this
// file compiles without the package. TODO(sim): once @kubeblink/sim is on main, import simUp and
// simDown statically from '@kubeblink/sim' and drop the KUBEBLINK_SIM_MODULE override.
// KUBEBLINK_SIM_MODULE=/path/to/services/sim/src/index.ts points at a checkout of it meanwhile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Sim {
  kubeconfig: string;
  kubectl: string;
  down(): Promise<void>;
}

interface SimModule {
  simUp(o: { stateDir: string; nodes?: number }): Promise<{ kubeconfig: string; kubectl: string }>;
  simDown(o: { stateDir: string }): Promise<boolean>;
}

/** Starts a simulated cluster in a fresh state directory, or returns why it cannot. */
export async function startSim(): Promise<Sim | string> {
  const specifier = process.env.KUBEBLINK_SIM_MODULE ?? '@kubeblink/sim';
  let sim: SimModule;
  try {
    sim = (await import(specifier)) as SimModule;
  } catch (err) {
    return `the simulated cluster (${specifier}) is not available: ${(err as Error).message}`;
  }
  const base = mkdtempSync(join(tmpdir(), 'kubeblink-broker-sim-'));
  const stateDir = join(base, 'sim');
  const state = await sim.simUp({ stateDir, nodes: 1 });
  return {
    kubeconfig: state.kubeconfig,
    kubectl: state.kubectl,
    down: async () => {
      await sim.simDown({ stateDir });
      rmSync(base, { recursive: true, force: true });
    },
  };
}
