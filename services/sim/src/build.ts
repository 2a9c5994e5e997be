// Finds (and if needed builds, once) the cached binaries of the simulated cluster by running
// build/build.sh, the single owner of the pins and the cache layout.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const buildScript = fileURLToPath(new URL('../build/build.sh', import.meta.url));

export type Log = (line: string) => void;

/** The bin-<key> directory for the current pins (may not exist yet). */
export function binDir(): string {
  const r = spawnSync(buildScript, ['--print-dir'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${buildScript} --print-dir failed: ${r.stderr || r.error?.message}`);
  return r.stdout.trim();
}

export function binariesReady(): boolean {
  return spawnSync(buildScript, ['--check'], { stdio: 'ignore' }).status === 0;
}

/** Returns the bin directory, running the build first when the cache is incomplete; the build's
 * progress lines go to `log` as they come (a cold build takes a while and says so). */
export async function ensureBinaries(log: Log): Promise<string> {
  if (binariesReady()) return binDir();
  log(`binaries not cached yet: running ${buildScript}`);
  const child = spawn(buildScript, [], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (l) => log(l));
  }
  const code: number | null = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`building the simulated cluster failed (${buildScript} exited ${code})`);
  return binDir();
}
