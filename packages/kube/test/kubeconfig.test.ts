// The plain kubeconfig reader (the watcher's, and the pod runner's Lease's through kubeConfigAuth): relative certificate paths, embedded data, token files re-read
// per request (rotation), basic auth, clear errors, and exec users handed to client-node.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Agent, RequestOptions } from 'node:https';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { defaultKubeconfigPath, kubeConfigAuth, loadAuth } from '../src/kubeconfig.ts';

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function kubeconfig(
  user: string,
  cluster = '    server: https://127.0.0.1:6443\n    certificate-authority: certs/ca.crt',
): string {
  const dir = tempDir('kubeblink-kc-');
  const file = join(dir, 'config');
  writeFileSync(
    file,
    `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster:\n${cluster}\nusers:\n- name: u\n  user:\n${user}\ncontexts:\n- name: c\n  context:\n    cluster: k\n    user: u\n`,
  );
  return file;
}

test('client certificate data and a CA file relative to the kubeconfig', async () => {
  const file = kubeconfig(
    `    client-certificate-data: ${Buffer.from('CERT').toString('base64')}\n    client-key-data: ${Buffer.from('KEY').toString('base64')}`,
  );
  const dir = join(file, '..', 'certs');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir);
  writeFileSync(join(dir, 'ca.crt'), 'CA');
  const auth = await loadAuth(file);
  assert.equal(auth.server.href, 'https://127.0.0.1:6443/');
  const opts: RequestOptions = {};
  await auth.apply(opts);
  const agentOpts = (opts.agent as Agent & { options: Record<string, unknown> }).options;
  assert.equal(String(agentOpts.ca), 'CA');
  assert.equal(String(agentOpts.cert), 'CERT');
  assert.equal(String(agentOpts.key), 'KEY');
  assert.equal(agentOpts.rejectUnauthorized, true);
});

test('a token file is read for every request, so a rotated token takes effect', async () => {
  const tokenFile = join(tempDir('kubeblink-tok-'), 'token');
  writeFileSync(tokenFile, 'one\n');
  const auth = await loadAuth(
    kubeconfig(
      `    tokenFile: ${tokenFile}`,
      '    server: https://k8s.example:443\n    insecure-skip-tls-verify: true',
    ),
  );
  const a: RequestOptions = {};
  await auth.apply(a);
  assert.equal((a.headers as Record<string, string>).authorization, 'Bearer one');
  assert.equal((a.agent as Agent & { options: Record<string, unknown> }).options.rejectUnauthorized, false);
  writeFileSync(tokenFile, 'two\n');
  const b: RequestOptions = {};
  await auth.apply(b);
  assert.equal((b.headers as Record<string, string>).authorization, 'Bearer two');
});

test('basic auth', async () => {
  const auth = await loadAuth(
    kubeconfig('    username: admin\n    password: s3cret', '    server: https://127.0.0.1:6443'),
  );
  const opts: RequestOptions = {};
  await auth.apply(opts);
  assert.equal(opts.auth, 'admin:s3cret');
});

test('a context naming a missing cluster is a clear error', async () => {
  const file = kubeconfig('    token: x');
  writeFileSync(
    file,
    (await import('node:fs')).readFileSync(file, 'utf8').replace('cluster: k\n    user', 'cluster: nope\n    user'),
  );
  await assert.rejects(loadAuth(file), /no cluster named "nope"/);
});

test('an exec plugin user is handed to client-node', async () => {
  const file = kubeconfig(
    '    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/echo\n      interactiveMode: Never',
    '    server: https://127.0.0.1:6443',
  );
  const auth = await loadAuth(file);
  assert.equal(auth.server.href, 'https://127.0.0.1:6443/');
});

test('the default kubeconfig: the first file of $KUBECONFIG, else (no simulated cluster running) ~/.kube/config', (t) => {
  const saved = { KUBECONFIG: process.env.KUBECONFIG, XDG_STATE_HOME: process.env.XDG_STATE_HOME };
  t.after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  // An empty state directory: a simulated cluster running on this machine must not change the answer.
  process.env.XDG_STATE_HOME = tempDir('kubeblink-state-');
  process.env.KUBECONFIG = ':/etc/a.yaml:/etc/b.yaml';
  assert.equal(defaultKubeconfigPath(), '/etc/a.yaml');
  delete process.env.KUBECONFIG;
  assert.equal(defaultKubeconfigPath(), join(homedir(), '.kube', 'config'));
});

test("client-node's KubeConfig lends its credentials (the pod runner's Lease)", async () => {
  const file = kubeconfig('    token: from-client-node', '    server: https://127.0.0.1:6443');
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  const auth = kubeConfigAuth(kc);
  assert.equal(auth.server.href, 'https://127.0.0.1:6443/');
  const opts: RequestOptions = {};
  await auth.apply(opts);
  assert.equal((opts.headers as Record<string, string>).Authorization, 'Bearer from-client-node');
  assert.throws(() => kubeConfigAuth(new KubeConfig()), /the kubeconfig: no current cluster/);
});
