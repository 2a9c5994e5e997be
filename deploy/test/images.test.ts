// The image pipeline hangs together: the CI workflow builds targets that the Dockerfile has, for
// arm64 and amd64 only (Node 24 has no 32-bit ARM build), under the names the manifests use, and
// docker-compose.yml builds a target that exists.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { DEPLOY_DIR, podTemplates, REPO_DIR, render } from './manifests.ts';

const dockerfile = readFileSync(join(DEPLOY_DIR, 'images', 'Dockerfile'), 'utf8');
const stages = new Set([...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]));
const workflow = parse(readFileSync(join(REPO_DIR, '.github', 'workflows', 'images.yml'), 'utf8'));
const build = workflow.jobs.build;
const step = build.steps.find((s: { uses?: string }) => s.uses?.startsWith('docker/build-push-action'));

test('the Dockerfile starts from the official Node 24 image and runs as a non-root user', () => {
  assert.match(dockerfile, /^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
  const base = ['$', '{NODE_IMAGE}'].join(''); // the build argument, literally
  for (const m of dockerfile.matchAll(/^FROM (\S+)/gm)) assert.equal(m[1], base);
  const finals = ['app', 'led'].map((t) =>
    dockerfile.split(/^FROM /m).find((s) => s.startsWith(`\${NODE_IMAGE} AS ${t}\n`)),
  );
  for (const stage of finals) assert.match(stage ?? '', /^USER 1000:1000$/m);
});

test('CI builds existing targets for linux/arm64 and linux/amd64, on v* tags', () => {
  assert.deepEqual(workflow.on.push.tags, ['v*']);
  assert.equal(step.with.file, 'deploy/images/Dockerfile');
  assert.ok(existsSync(join(REPO_DIR, step.with.file)));
  assert.deepEqual(step.with.platforms.split(',').sort(), ['linux/amd64', 'linux/arm64']);
  const matrix: { image: string; target: string }[] = build.strategy.matrix.include;
  for (const { target } of matrix) assert.ok(stages.has(target), `target ${target} is a stage`);
  assert.equal(build.permissions.packages, 'write');
});

test('the manifests use the images CI publishes', () => {
  const published = new Set(build.strategy.matrix.include.map((m: { image: string }) => m.image));
  const used = new Set(
    podTemplates(render('pi'))
      .flatMap((t) => t.containers.map((c) => c.image as string))
      .filter((i) => i.includes('kubeblink'))
      .map((i) => i.replace(/:.*$/, '').split('/').pop()),
  );
  assert.deepEqual([...used].sort(), [...published].sort());
});

test('docker-compose.yml builds a target the Dockerfile has', () => {
  const compose = parse(readFileSync(join(REPO_DIR, 'docker-compose.yml'), 'utf8'), { merge: true });
  const builds = Object.values(compose.services as Record<string, { build?: { target: string; dockerfile: string } }>)
    .map((s) => s.build)
    .filter((b) => b !== undefined);
  assert.ok(builds.length > 0);
  for (const b of builds) {
    assert.equal(b.dockerfile, 'deploy/images/Dockerfile');
    assert.ok(stages.has(b.target), b.target);
  }
});
