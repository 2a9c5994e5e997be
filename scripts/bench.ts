// Runs every benchmark (`*.bench.ts`) one after another (they measure, so never in parallel) and
// lets each print its figures as ratios against a baseline measured in the same run.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const only = process.argv[2];
const files = globSync('**/*.bench.ts', { exclude: (f) => /(^|\/)node_modules(\/|$)/.test(String(f)) })
  .filter((f) => !only || f.includes(only))
  .sort();
if (files.length === 0) {
  console.log('no benchmarks found');
  process.exit(0);
}
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file}`);
  const r = spawnSync(process.execPath, ['--expose-gc', file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
