// Which cluster `kubeblink up` shows (issue 7): the simulated one by default; a real cluster only
// when the user names it (--context or --kubeconfig), never the current context silently; a
// recording when asked for, or when the simulated cluster cannot be built here (no usable Go and
// no cached binaries). Pure: the facts about the machine are gathered by the caller.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export type ClusterChoice =
  | { kind: 'recording'; file: string; why: string }
  | { kind: 'context'; kubeconfig?: string; context?: string }
  | { kind: 'sim'; reuse: boolean; build: boolean };

export interface ChoiceInput {
  context?: string;
  kubeconfig?: string;
  recording?: string;
  /** A simulated cluster is already running (its state directory says so). */
  simRunning: boolean;
  /** The simulated cluster's binaries are in the cache (no build needed). */
  binariesCached: boolean;
  /** Whether a Go toolchain that can build the simulated cluster is on PATH, and why not. */
  go: { ok: true } | { ok: false; why: string };
  /** The recording shipped in the repository, replayed when nothing else can run. */
  shippedRecording: string;
}

export function chooseCluster(i: ChoiceInput): ClusterChoice {
  if (i.recording) return { kind: 'recording', file: i.recording, why: `--recording ${i.recording}` };
  if (i.context || i.kubeconfig) {
    return {
      kind: 'context',
      ...(i.kubeconfig ? { kubeconfig: i.kubeconfig } : {}),
      ...(i.context ? { context: i.context } : {}),
    };
  }
  if (i.simRunning) return { kind: 'sim', reuse: true, build: false };
  if (i.binariesCached) return { kind: 'sim', reuse: false, build: false };
  if (i.go.ok) return { kind: 'sim', reuse: false, build: true };
  return {
    kind: 'recording',
    file: i.shippedRecording,
    why: `the simulated cluster cannot be built here (${i.go.why}) and its binaries are not cached`,
  };
}

/** `1.26.4` >= `1.26`? Numeric per part, missing parts are 0. */
export function versionAtLeast(have: string, min: string): boolean {
  const a = have.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const b = min.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    if ((a[k] ?? 0) !== (b[k] ?? 0)) return (a[k] ?? 0) > (b[k] ?? 0);
  }
  return true;
}

/** GO_MIN from the sim's pins (services/sim/build/versions.env). */
export function goMinimum(versionsEnv: string): string {
  const m = /^GO_MIN=(\S+)/m.exec(readFileSync(versionsEnv, 'utf8'));
  if (!m?.[1]) throw new Error(`no GO_MIN in ${versionsEnv}`);
  return m[1];
}

/** Is there a Go that build.sh accepts? (A GOTOOLCHAIN the user set lets go fetch a newer one.) */
export function goToolchain(min: string, env: NodeJS.ProcessEnv = process.env): ChoiceInput['go'] {
  const r = spawnSync('go', ['env', 'GOVERSION'], {
    encoding: 'utf8',
    env: { ...env, GOTOOLCHAIN: env.GOTOOLCHAIN ?? 'local' },
  });
  if (r.error || r.status !== 0) return { ok: false, why: `no Go ${min} or newer on PATH` };
  const have = r.stdout.trim().replace(/^go/, '');
  if (env.GOTOOLCHAIN && env.GOTOOLCHAIN !== 'local') return { ok: true };
  return versionAtLeast(have, min) ? { ok: true } : { ok: false, why: `Go ${have} is older than ${min}` };
}
