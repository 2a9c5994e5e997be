// The simulated cluster for the cluster tests: @kubeblink/sim once it is merged, or the module
// named by KUBEBLINK_SIM_MODULE (e.g. a checkout's services/sim/src/index.ts) before that.
import { pathToFileURL } from 'node:url';

export interface SimState {
  kubeconfig: string;
  kubectl: string;
  nodes: string[];
}

export interface Sim {
  simUp(o: { stateDir?: string; nodes?: number; log?: (line: string) => void }): Promise<SimState>;
  simDown(o: { stateDir?: string }): Promise<boolean>;
}

export async function loadSim(): Promise<Sim | undefined> {
  const named = process.env.KUBEBLINK_SIM_MODULE;
  if (named) return (await import(pathToFileURL(named).href)) as Sim;
  // A bare name built at run time so the type checker does not ask for a package this branch lacks.
  const pkg = ['@kubeblink', 'sim'].join('/');
  try {
    return (await import(pkg)) as Sim;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}
