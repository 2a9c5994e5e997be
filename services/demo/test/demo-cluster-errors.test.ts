// Issue 14: `kubeblink demo` given no kubeconfig looks for the running simulated cluster (as `up`
// does) and, when there is no cluster or it cannot be reached, says so in words: which kubeconfig,
// which context, what to do. The real command line, in a home with nothing in it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const cli = join(import.meta.dirname, '..', '..', 'cli', 'bin', 'kubeblink.js');
const home = mkdtempSync(join(tmpdir(), 'kb-demo-home-'));
after(() => rmSync(home, { recursive: true, force: true }));

function demo(env: Record<string, string>, ...args: string[]) {
  const { KUBECONFIG: _k, XDG_STATE_HOME: _x, KUBERNETES_SERVICE_HOST: _h, ...rest } = process.env;
  return spawnSync(process.execPath, [cli, 'demo', 'crash-restart', ...args], {
    encoding: 'utf8',
    env: { ...rest, HOME: home, ...env },
    timeout: 60_000,
  });
}

/** A port that refuses connections: bound, then closed. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe('kubeblink demo: which cluster, in words', () => {
  it('no kubeconfig, no KUBECONFIG, no simulated cluster: says so and how to start one', () => {
    const r = demo({});
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /kubeblink demo crash-restart: no cluster to talk to: no --kubeconfig given, KUBECONFIG is not set, no simulated cluster is running \(none in ~\/\.local\/state\/kubeblink\/sim\) and there is no ~\/\.kube\/config\.\n {2}Start the simulated cluster with `npm start`/,
    );
    assert.doesNotMatch(r.stderr, /skipTLSVerify|localhost:8080/);
  });

  it('an API server that does not answer: names the server, context and kubeconfig, and what to do', async () => {
    const port = await closedPort();
    const kc = join(home, 'gone.yaml');
    writeFileSync(
      kc,
      `apiVersion: v1\nkind: Config\ncurrent-context: lab\nclusters:\n- name: lab\n  cluster:\n    server: https://127.0.0.1:${port}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: lab\n  context:\n    cluster: lab\n    user: u\n`,
    );
    const r = demo({ KUBECONFIG: kc });
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `cluster https://127\\.0\\.0\\.1:${port}, context "lab" of ${kc.replaceAll('.', '\\.')} \\(used because: KUBECONFIG=~/gone\\.yaml\\): ` +
          'cannot reach the API server \\(ECONNREFUSED\\): is the cluster running\\? For the simulated cluster instead',
      ),
    );
  });

  it('a context the kubeconfig does not have: lists the ones it has', () => {
    const kc = join(home, 'one.yaml');
    writeFileSync(
      kc,
      'apiVersion: v1\nkind: Config\ncurrent-context: a\nclusters:\n- name: a\n  cluster:\n    server: https://127.0.0.1:1\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: a\n  context:\n    cluster: a\n    user: u\n',
    );
    const r = demo({}, '--kubeconfig', kc, '--context', 'nope');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /: kubeconfig \/.*\/one\.yaml: no context "nope"; its contexts: a\n/);
  });
});
