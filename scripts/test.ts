// Runs a test tier with node's own test runner (the same in every package), with coverage.
//   unit:        *.test.ts beside the code (pure logic, fake time)
//   integration: *.int.test.ts (real broker on an ephemeral port, real MQTT clients, mosquitto_*)
//   cluster:     *.cluster.test.ts (the simulated cluster: a real kube-apiserver with KWOK nodes)
//   all:         every tier, one runner, one summary
// A test that needs a system tool npm does not install skips with the install line
// (test/support/system-tool.ts) and records it in a run-scoped file; the run ends with one summary
// of what was skipped and how to get it (issue 14).
import { spawnSync } from 'node:child_process';
import { globSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SKIPS_ENV } from '../test/support/system-tool.ts';

const TIERS = {
  unit: (f: string) => !f.endsWith('.int.test.ts') && !f.endsWith('.cluster.test.ts'),
  integration: (f: string) => f.endsWith('.int.test.ts'),
  cluster: (f: string) => f.endsWith('.cluster.test.ts'),
  all: (_: string) => true,
} as const;

const tier = (process.argv[2] ?? 'all') as keyof typeof TIERS;
if (!(tier in TIERS)) {
  console.error(`unknown tier ${tier}; one of ${Object.keys(TIERS).join(', ')}`);
  process.exit(2);
}
// Further arguments go to node --test, except test files: named, they replace the tier's files.
const named = process.argv.slice(3).filter((a) => a.endsWith('.test.ts'));
const extra = process.argv.slice(3).filter((a) => !a.endsWith('.test.ts'));
const files = (
  named.length > 0
    ? named
    : globSync('**/*.test.ts', { exclude: (f) => /(^|\/)(node_modules|\.cache|\.tmp)(\/|$)/.test(String(f)) })
)
  .filter(TIERS[tier])
  .sort();
if (files.length === 0) {
  console.error(`no ${tier} tests found`);
  process.exit(1);
}
const args = [
  '--test',
  '--experimental-test-coverage',
  '--test-coverage-exclude=**/*.test.ts',
  '--test-coverage-exclude=**/node_modules/**',
  '--test-coverage-exclude=test/**',
  ...extra,
  ...files,
];
const dir = mkdtempSync(join(tmpdir(), 'kubeblink-test-'));
const skipsFile = join(dir, 'skips.jsonl');
const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, [SKIPS_ENV]: skipsFile } });
const summary = skipSummary(skipsFile);
rmSync(dir, { recursive: true, force: true });
if (summary) console.log(summary);
process.exit(r.status ?? 1);

/** One block: each missing thing once, its install line and the test files it skipped. */
function skipSummary(file: string): string {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const byWhat = new Map<string, { install: string; files: Set<string> }>();
  for (const line of text.split('\n').filter(Boolean)) {
    const s = JSON.parse(line) as { file: string; what: string; install: string };
    const entry = byWhat.get(s.what) ?? { install: s.install, files: new Set<string>() };
    entry.files.add(s.file);
    byWhat.set(s.what, entry);
  }
  if (byWhat.size === 0) return '';
  const lines = ['', 'Skipped, because a tool npm does not install is missing here:'];
  for (const [what, { install, files }] of [...byWhat].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${what} (${files.size} test file${files.size === 1 ? '' : 's'}): ${install}`);
    for (const f of [...files].sort()) lines.push(`      ${f}`);
  }
  lines.push('Install them and run the tests again (.ci/run installs them all; under CI=true a missing tool fails).');
  return lines.join('\n');
}
