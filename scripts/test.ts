// Runs a test tier with node's own test runner (the same in every package), with coverage.
//   unit:        *.test.ts beside the code (pure logic, fake time)
//   integration: *.int.test.ts (real broker on an ephemeral port, real MQTT clients, mosquitto_*)
//   cluster:     *.cluster.test.ts (the simulated cluster: a real kube-apiserver with KWOK nodes)
//   all:         every tier, one runner, one summary
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

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
const extra = process.argv.slice(3);
const files = globSync('**/*.test.ts', {
  exclude: (f) => /(^|\/)(node_modules|\.cache|\.tmp)(\/|$)/.test(String(f)),
})
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
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
