// `kubeblink sim up` starts the pod runner with the cluster, and `sim down` stops it and its apps.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { simUnbuildable } from '@kubeblink/test/support/sim';
import { until } from '@kubeblink/test/support/wait';
import { simCli } from '../src/cli.ts';
import { simClient, simStatus } from '../src/index.ts';

const stateDir = join(mkdtempSync(join(tmpdir(), 'kb-sim-cli-')), 'state');

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web', 'kubeblink.io/runner': 'true' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'kubeblink/demo-app:v1',
            ports: [{ containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1 },
          },
        ],
      },
    },
  },
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('kubeblink sim up with the pod runner', { skip: simUnbuildable() }, () => {
  after(async () => {
    await simCli(['down', '--state-dir', stateDir]);
    rmSync(join(stateDir, '..'), { recursive: true, force: true });
  });

  it('runs a demo-app pod as a real process, and sim down stops runner and app', async () => {
    assert.equal(await simCli(['up', '--no-metrics', '--state-dir', stateDir]), 0);
    const runner = simStatus({ stateDir }).procs.find((p) => p.name === 'pod-runner');
    assert.ok(runner?.running, 'the pod runner is one of the cluster processes');
    const k = simClient({ stateDir });
    try {
      await k.must('POST', '/apis/apps/v1/namespaces/default/deployments', deployment);
      const pod = await until(
        async () => {
          const items = (await k.must('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).json().items;
          return items.find(
            (p: { status?: { phase?: string; conditions?: { type: string; status: string }[] } }) =>
              p.status?.phase === 'Running' &&
              p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
          );
        },
        'a Running and Ready demo-app pod',
        90_000,
        500,
      );
      // The pod's own process answers on the address the runner published.
      const endpoint = pod.metadata.annotations?.['kubeblink.io/sim-endpoint'] as string;
      const res = await fetch(`http://${endpoint}/version`);
      assert.equal((await res.json()).pod, pod.metadata.name);
    } finally {
      k.close();
    }
    const log = readFileSync(runner.log, 'utf8');
    assert.match(log, /pod-runner/);
    const appPids = execFileSync('pgrep', ['-P', String(runner.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
    assert.ok(appPids.length >= 1, 'the demo app runs as a child process of the runner');
    assert.equal(await simCli(['down', '--state-dir', stateDir]), 0);
    await until(() => !alive(runner.pid) && appPids.every((p) => !alive(p)), 'runner and apps stopped', 20_000);
  });
});
