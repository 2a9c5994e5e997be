// Issue 14: a command given no kubeconfig finds the running simulated cluster (as `up` does), and a
// cluster error says which kubeconfig, which context and what to do.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import { explainClusterError, findKubeconfig, NoClusterFound, runningSimKubeconfig, tildePath } from '../src/plain.ts';

const home = mkdtempSync(join(tmpdir(), 'kb-discovery-'));
after(() => rmSync(home, { recursive: true, force: true }));
const stateDir = join(home, '.local', 'state', 'kubeblink', 'sim');
const simKubeconfig = join(stateDir, 'kubeconfig');
const homeConfig = join(home, '.kube', 'config');
// This very process plays the API server: alive, and /proc says what it runs.
const self = { pid: process.pid, exe: readFileSync(`/proc/${process.pid}/cmdline`, 'utf8').split('\0')[0] ?? '' };

function writeSim(api: { pid: number; exe: string } | undefined): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(simKubeconfig, 'apiVersion: v1\n');
  const procs = [{ name: 'etcd', pid: 1, exe: '/nope' }, ...(api ? [{ name: 'kube-apiserver', ...api }] : [])];
  writeFileSync(join(stateDir, 'state.json'), JSON.stringify({ kubeconfig: simKubeconfig, procs }));
}

describe('findKubeconfig', () => {
  beforeEach(() => {
    rmSync(join(home, '.local'), { recursive: true, force: true });
    rmSync(join(home, '.kube'), { recursive: true, force: true });
  });

  test('--kubeconfig wins over everything', () => {
    writeSim(self);
    const f = findKubeconfig({ kubeconfig: '/etc/k.yaml', env: { KUBECONFIG: '/x' }, home });
    assert.deepEqual(f, { file: '/etc/k.yaml', source: 'flag', why: '--kubeconfig /etc/k.yaml' });
  });

  test('$KUBECONFIG (its first file) comes next: the user set it', () => {
    writeSim(self);
    const f = findKubeconfig({ env: { KUBECONFIG: `:${home}/a:/b` }, home });
    assert.deepEqual(f, { file: `${home}/a`, source: 'env', why: 'KUBECONFIG=~/a' });
  });

  test('then the running simulated cluster, before ~/.kube/config (never a real cluster silently)', () => {
    writeSim(self);
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeFileSync(homeConfig, 'apiVersion: v1\n');
    assert.deepEqual(findKubeconfig({ env: {}, home }), {
      file: simKubeconfig,
      source: 'sim',
      why: 'the simulated cluster running from ~/.local/state/kubeblink/sim',
    });
    assert.equal(runningSimKubeconfig(stateDir), simKubeconfig);
  });

  test('a stopped simulated cluster (its API server gone or its PID reused) is not used', () => {
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeFileSync(homeConfig, 'apiVersion: v1\n');
    for (const api of [
      undefined,
      { pid: self.pid, exe: '/usr/bin/not-the-apiserver' },
      { pid: 2 ** 22 + 1, exe: self.exe },
    ]) {
      writeSim(api);
      assert.equal(runningSimKubeconfig(stateDir), undefined, JSON.stringify(api));
      assert.deepEqual(findKubeconfig({ env: {}, home }), {
        file: homeConfig,
        source: 'home',
        why: '~/.kube/config (no --kubeconfig, no KUBECONFIG)',
      });
    }
  });

  test('$XDG_STATE_HOME moves the state directory, as it does for `kubeblink sim up`', () => {
    const xdg = join(home, 'xdg');
    mkdirSync(join(xdg, 'kubeblink', 'sim'), { recursive: true });
    const kc = join(xdg, 'kubeblink', 'sim', 'kubeconfig');
    writeFileSync(kc, 'apiVersion: v1\n');
    writeFileSync(
      join(xdg, 'kubeblink', 'sim', 'state.json'),
      JSON.stringify({ kubeconfig: kc, procs: [{ name: 'kube-apiserver', ...self }] }),
    );
    assert.equal(findKubeconfig({ env: { XDG_STATE_HOME: xdg }, home }).file, kc);
    rmSync(xdg, { recursive: true });
  });

  test('nothing at all: NoClusterFound says what was looked for and what to do', () => {
    assert.throws(
      () => findKubeconfig({ env: {}, home }),
      (err: Error) => {
        assert.ok(err instanceof NoClusterFound);
        assert.equal(
          err.message,
          'no cluster to talk to: no --kubeconfig given, KUBECONFIG is not set, no simulated cluster is running ' +
            '(none in ~/.local/state/kubeblink/sim) and there is no ~/.kube/config.\n' +
            '  Start the simulated cluster with `npm start` (or `npx kubeblink sim up`) and run this again,\n' +
            '  or name a real cluster: --kubeconfig FILE [--context NAME].',
        );
        return true;
      },
    );
  });
});

describe('explainClusterError', () => {
  const sim = { file: '/s/kubeconfig', source: 'sim' as const, why: 'the simulated cluster running from /s' };
  const real = { file: '/k/config', source: 'home' as const, why: '~/.kube/config (no --kubeconfig, no KUBECONFIG)' };
  const at = (found: typeof sim | typeof real, server = 'https://127.0.0.1:6443') => ({ found, context: 'c1', server });

  test('unreachable, in words, with the simulated cluster hint', () => {
    const err = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    assert.equal(
      explainClusterError(err, at(sim)),
      'cluster https://127.0.0.1:6443, context "c1" of /s/kubeconfig (used because: the simulated cluster running from /s): ' +
        'cannot reach the API server (ECONNREFUSED): is the cluster running? ' +
        '`npx kubeblink sim status` shows its processes; `npx kubeblink sim down`, then `npm start`, starts it again.',
    );
  });

  test("client-node's http refusal names the server and the way to the simulated cluster", () => {
    const err = new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false');
    assert.match(
      explainClusterError(err, at(real, 'http://localhost:8080')),
      /: the server is plain http \(http:\/\/localhost:8080\); kubeblink talks to an API server over https only\. For the simulated cluster instead: start it with `npm start`/,
    );
  });

  test('TLS, 401 and 403 each say what is wrong', () => {
    const tls = Object.assign(new Error('x'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    assert.match(
      explainClusterError(tls, at(real)),
      /TLS certificate was not accepted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/,
    );
    assert.match(explainClusterError(Object.assign(new Error('u'), { code: 401 }), at(real)), /HTTP 401/);
    const forbidden = Object.assign(new Error('namespaces is forbidden'), { code: 403 });
    assert.match(
      explainClusterError(forbidden, at(real)),
      /HTTP 403: namespaces is forbidden\): the demos need a user/,
    );
  });

  test('tildePath shortens the home directory only', () => {
    assert.equal(tildePath('/h/u/.kube/config', '/h/u'), '~/.kube/config');
    assert.equal(tildePath('/h/user2/x', '/h/u'), '/h/user2/x');
  });
});
