// The image's dependency step, run for real outside Docker (this machine has no Docker daemon):
// the exact `npm ci` line of the Dockerfile's deps stage on a copy of the repository, then the
// kubeblink command on Node 24 from that production-only install. Proves that no devDependency
// (the `node` package, TypeScript, test helpers) is needed at run time.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEPLOY_DIR, REPO_DIR } from './manifests.ts';

const dockerfile = readFileSync(join(DEPLOY_DIR, 'images', 'Dockerfile'), 'utf8');
const depsStage = dockerfile.split(/^FROM /m).find((s) => /^\S+ AS deps$/m.test(s)) ?? '';
const npmCi = /^RUN (npm ci [^\\\n]+)/m.exec(depsStage)?.[1]?.trim();
const work = mkdtempSync(join(tmpdir(), 'kubeblink-image-'));
const app = join(work, 'app');

before(() => {
  assert.ok(npmCi, 'the deps stage has a RUN npm ci line');
  const skip = new Set(['node_modules', '.git', 'coverage', '.tmp', 'test-artifacts']);
  cpSync(REPO_DIR, app, { recursive: true, filter: (src) => !skip.has(basename(src)) });
  // npm from the PATH, as in the image; the Dockerfile's flags, split like a shell would.
  execFileSync('npm', npmCi!.split(/\s+/).slice(1), { cwd: app, stdio: 'pipe', env: { ...process.env, CI: 'true' } });
});
after(() => rmSync(work, { recursive: true, force: true }));

test('the production install leaves out every devDependency and the optional GPIO addons', () => {
  for (const dev of [
    'node',
    'typescript',
    '@biomejs/biome',
    'json-schema-to-typescript',
    'node-libgpiod',
    'raspi-io',
  ]) {
    assert.ok(!existsSync(join(app, 'node_modules', dev)), `${dev} is not installed`);
  }
});

test('kubeblink runs from it on Node 24 and every subcommand loads', () => {
  const node = process.execPath; // Node 24: the tests run on the project's pinned runtime
  const cli = join(app, 'services', 'cli', 'bin', 'kubeblink.js');
  const help = spawnSync(node, [cli, '--help'], { cwd: app, encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  const commands = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  assert.ok(commands.length >= 1, help.stdout);
  for (const c of commands) {
    const r = spawnSync(node, [cli, c, '--help'], { cwd: app, encoding: 'utf8' });
    assert.equal(r.status, 0, `${c} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`Usage: kubeblink ${c}`));
  }
});
