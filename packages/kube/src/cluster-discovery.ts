// Which kubeconfig a command uses when the user names none (issue 14): every command that talks to a
// cluster (demo, watcher, pod runner) finds the simulated cluster that `kubeblink up` or
// `kubeblink sim up` left running, as `up` does, instead of client-node's fallback to
// http://localhost:8080 (which fails as "HTTP protocol is not allowed when skipTLSVerify is not set").
// Order: --kubeconfig; $KUBECONFIG (the user set it); the running simulated cluster; ~/.kube/config.
// The simulated cluster comes before ~/.kube/config so a real cluster is never used silently (issue 7).
// Plain (no client-node): the watcher reads this too. The state directory's layout is the sim's
// (services/sim/src/sim-lifecycle.ts uses simDefaultStateDir as its defaultStateDir).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type KubeconfigSource = 'flag' | 'env' | 'sim' | 'home';

export interface FoundKubeconfig {
  file: string;
  source: KubeconfigSource;
  /** Where it came from, in words, for the header line and for error messages. */
  why: string;
}

export interface DiscoveryInput {
  kubeconfig?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  simStateDir?: string;
}

/** `kubeblink sim up`'s state directory: $XDG_STATE_HOME/kubeblink/sim, else ~/.local/state/kubeblink/sim. */
export function simDefaultStateDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'kubeblink', 'sim');
}

interface StateFile {
  kubeconfig?: string;
  procs?: { name: string; pid: number; exe: string }[];
}

/** True if `pid` is alive and still runs `exe` (a PID reused after a reboot is not the sim). */
export function pidRuns(pid: number, exe: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie (exited, not yet reaped) has an empty cmdline: treat it as gone.
    return (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '') === exe;
  } catch {
    return process.platform !== 'linux'; // no /proc: trust kill(0)
  }
}

/** The admin kubeconfig of the simulated cluster running from `stateDir` (its API server alive), if any. */
export function runningSimKubeconfig(stateDir = simDefaultStateDir()): string | undefined {
  let state: StateFile;
  try {
    state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as StateFile;
  } catch {
    return undefined;
  }
  const api = state.procs?.find((p) => p.name === 'kube-apiserver');
  if (!state.kubeconfig || !api || !pidRuns(api.pid, api.exe) || !existsSync(state.kubeconfig)) return undefined;
  return state.kubeconfig;
}

/** Shortens a path for the screen and for messages: $HOME becomes ~. */
export function tildePath(p: string, home = homedir()): string {
  return home && (p === home || p.startsWith(`${home}/`)) ? `~${p.slice(home.length)}` : p;
}

/** The kubeconfig to use, and why; throws NoClusterFound (with what to do) when there is none. */
export function findKubeconfig(i: DiscoveryInput = {}): FoundKubeconfig {
  const env = i.env ?? process.env;
  const home = i.home ?? homedir();
  if (i.kubeconfig) return { file: i.kubeconfig, source: 'flag', why: `--kubeconfig ${tildePath(i.kubeconfig, home)}` };
  const fromEnv = env.KUBECONFIG?.split(':').find(Boolean);
  if (fromEnv) return { file: fromEnv, source: 'env', why: `KUBECONFIG=${tildePath(fromEnv, home)}` };
  const stateDir = i.simStateDir ?? simDefaultStateDir(env, home);
  const sim = runningSimKubeconfig(stateDir);
  if (sim) return { file: sim, source: 'sim', why: `the simulated cluster running from ${tildePath(stateDir, home)}` };
  const file = join(home, '.kube', 'config');
  if (existsSync(file))
    return { file, source: 'home', why: `${tildePath(file, home)} (no --kubeconfig, no KUBECONFIG)` };
  throw new NoClusterFound(tildePath(stateDir, home), tildePath(file, home));
}

export class NoClusterFound extends Error {
  override name = 'NoClusterFound';
  constructor(stateDir: string, homeConfig: string) {
    super(
      'no cluster to talk to: no --kubeconfig given, KUBECONFIG is not set, no simulated cluster is running ' +
        `(none in ${stateDir}) and there is no ${homeConfig}.\n` +
        '  Start the simulated cluster with `npm start` (or `npx kubeblink sim up`) and run this again,\n' +
        '  or name a real cluster: --kubeconfig FILE [--context NAME].',
    );
  }
}
