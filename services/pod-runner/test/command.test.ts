import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { podRunnerDaemon } from '../src/index.ts';

describe('kubeblink pod-runner as a daemon command', () => {
  it('builds a command line that runs and validates its settings', () => {
    const d = podRunnerDaemon({ kubeconfig: '/nonexistent/kubeconfig', backoffBaseSeconds: 2, httpPort: 0 });
    assert.equal(d.exe, process.execPath);
    assert.deepEqual(d.args.slice(1), [
      'pod-runner',
      '--kubeconfig',
      '/nonexistent/kubeconfig',
      '--backoff-base-seconds',
      '2',
      '--http-port',
      '0',
    ]);
    const r = spawnSync(d.exe, d.args, { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no kubeconfig at \/nonexistent\/kubeconfig/);
  });

  it('refuses bad settings with exit code 2 and says which', () => {
    const d = podRunnerDaemon({ kubeconfig: '/x', backoffBaseSeconds: 0 });
    const r = spawnSync(d.exe, d.args, { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /backoffBaseSeconds must be > 0 \(from --backoff-base-seconds\)/);
  });
});
