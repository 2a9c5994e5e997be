// The healthcheck command docker-compose.yml gives every kubeblink service, run for real (with the
// same Node 24 the images have) against the services' own health server: healthy while /readyz
// answers 200, unhealthy on 503 and when nothing listens.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRegistry, HealthServer, silentLogger } from '@kubeblink/core';
import { parse } from 'yaml';
import { REPO_DIR } from './manifests.ts';

const compose = parse(readFileSync(join(REPO_DIR, 'docker-compose.yml'), 'utf8'), { merge: true });
const check: string[] = compose.services.broker.healthcheck.test;

/** Runs the check as Docker would; asynchronous, since the server it asks lives in this process. */
function healthcheck(port: number): Promise<number | null> {
  assert.equal(check[0], 'CMD');
  assert.equal(check[1], 'node');
  // The image's `node` is Node 24: so is process.execPath in the test runner.
  const child = spawn(process.execPath, check.slice(2), {
    env: { ...process.env, HEALTH_PORT: String(port) },
    stdio: 'ignore',
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

test("compose's healthcheck follows /readyz of a kubeblink health server", async () => {
  let ready = false;
  const server = new HealthServer({
    host: '127.0.0.1',
    port: 0,
    registry: createRegistry('compose-health', false),
    log: silentLogger(),
    ready: () => ready,
  });
  await server.start();
  const port = server.port;
  try {
    assert.equal(await healthcheck(port), 1, 'not ready: unhealthy');
    ready = true;
    assert.equal(await healthcheck(port), 0, 'ready: healthy');
  } finally {
    await server.stop();
  }
  assert.equal(await healthcheck(port), 1, 'nothing listening: unhealthy');
});

test('every kubeblink service uses it with its own --http-port', () => {
  for (const [name, s] of Object.entries(compose.services as Record<string, Record<string, never>>)) {
    const cmd = s.command as unknown as string[] | undefined;
    if (!cmd || ['server', 'agent'].includes(cmd[0]!)) continue;
    const port = cmd.find((a) => a.startsWith('--http-port='))?.slice('--http-port='.length);
    const env = s.environment as unknown as Record<string, string>;
    assert.equal(env.HEALTH_PORT, port, `${name}: HEALTH_PORT is its --http-port`);
    assert.deepEqual(s.healthcheck, compose.services.broker.healthcheck, name);
  }
});
