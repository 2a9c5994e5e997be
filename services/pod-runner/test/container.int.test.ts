// One container played with real demo-app processes and a fake pod host (no API): the restart
// state machine as the kubelet runs it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger } from '@kubeblink/core';
import { until } from '@kubeblink/test/support/wait';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { type ContainerHost, ContainerRunner } from '../src/container.ts';
import { noEnvSources } from '../src/env.ts';
import { KubeletBackoff } from '../src/kubelet-backoff.ts';
import { runnerMetrics } from '../src/runner-metrics.ts';

const dir = mkdtempSync(join(tmpdir(), 'kubeblink-container-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function host(pod: V1Pod, events: string[], changed: () => void = () => {}): ContainerHost {
  let port = 0;
  return {
    pod: () => pod,
    crashBackoff: new KubeletBackoff(1000, 4000),
    imageBackoff: new KubeletBackoff(1000, 4000),
    envSources: noEnvSources,
    platformEnv: (p) => ({
      defaults: { KUBEBLINK_POD: 'p', KUBEBLINK_NAMESPACE: 'ns', KUBEBLINK_NODE: 'n', KUBEBLINK_LOG_LEVEL: 'silent' },
      // No broker listens here: the app keeps serving and retries in the background.
      overrides: {
        KUBEBLINK_HTTP_HOST: '127.0.0.1',
        KUBEBLINK_HTTP_PORT: String(p),
        KUBEBLINK_BROKER: 'mqtt://127.0.0.1:1',
      },
    }),
    freePort: async () => {
      if (!port) {
        const srv = createServer();
        await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
        port = (srv.address() as AddressInfo).port;
        await new Promise((r) => srv.close(r));
      }
      return port;
    },
    logDir: dir,
    syncMs: 200,
    changed: () => changed(),
    log: createLogger({ service: 'test', level: 'silent' }),
    metrics: runnerMetrics(),
    event: (type, reason, message) => events.push(`${type} ${reason}: ${message}`),
  };
}

const podOf = (c: V1Container, restartPolicy = 'Always'): V1Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: `u-${Math.random()}` },
  spec: { containers: [c], restartPolicy },
});

/** Every distinct state the container goes through, recorded as it reports a change. */
function describeState(r: ContainerRunner): string {
  const s = r.view.state;
  return s.running
    ? `running #${r.view.restartCount}`
    : s.terminated
      ? `terminated ${s.terminated.exitCode} ${s.terminated.reason}`
      : `waiting ${s.waiting?.reason}`;
}

describe('ContainerRunner with real processes', { timeout: 120_000 }, () => {
  it('restarts an app exiting with 3 at once, then backs off: CrashLoopBackOff', async () => {
    const c: V1Container = {
      name: 'app',
      image: 'kubeblink/demo-app:v1',
      env: [
        { name: 'KUBEBLINK_EXIT_AFTER_SECONDS', value: '0.2' },
        { name: 'KUBEBLINK_EXIT_CODE', value: '3' },
      ],
    };
    const seen: string[] = [];
    const events: string[] = [];
    const r: ContainerRunner = new ContainerRunner(
      c,
      host(podOf(c), events, () => {
        const line = describeState(r);
        if (seen.at(-1) !== line) seen.push(line);
      }),
    );
    r.start();
    try {
      await until(() => r.view.state.waiting?.reason === 'CrashLoopBackOff', 'CrashLoopBackOff', 60_000, 5);
    } finally {
      await r.stop(0);
    }
    assert.deepEqual(seen.slice(0, 4), ['running #0', 'terminated 3 Error', 'running #1', 'terminated 3 Error']);
    assert.equal(seen.at(-1), 'waiting CrashLoopBackOff');
    assert.equal(r.view.lastState?.terminated?.exitCode, 3);
    assert.match(r.view.state.waiting?.message ?? '', /^back-off 1s restarting failed container=app pod=p_ns\(u-/);
    assert.ok(events.includes('Normal Started: Started container app'));
    assert.ok(
      events.some((e) => e.startsWith('Warning BackOff: Back-off restarting failed container app in pod p_ns(')),
    );
  });

  it('leaves a container of a restartPolicy Never pod terminated', async () => {
    const c: V1Container = {
      name: 'app',
      image: 'kubeblink/demo-app:v1',
      env: [
        { name: 'KUBEBLINK_EXIT_AFTER_SECONDS', value: '0.1' },
        { name: 'KUBEBLINK_EXIT_CODE', value: '0' },
      ],
    };
    const r = new ContainerRunner(c, host(podOf(c, 'Never'), []));
    r.start();
    await r.done;
    assert.equal(r.view.state.terminated?.exitCode, 0);
    assert.equal(r.view.state.terminated?.reason, 'Completed');
    assert.equal(r.view.restartCount, 0);
  });

  it('cannot start an entrypoint the image does not have: StartError, exit code 128', async () => {
    const c: V1Container = { name: 'app', image: 'kubeblink/demo-app:v1', command: ['sh', '-c', 'true'] };
    const events: string[] = [];
    const r = new ContainerRunner(c, host(podOf(c, 'Never'), events));
    r.start();
    await r.done;
    assert.deepEqual(
      {
        code: r.view.state.terminated?.exitCode,
        reason: r.view.state.terminated?.reason,
        message: r.view.state.terminated?.message,
      },
      { code: 128, reason: 'StartError', message: 'exec: "sh": executable file not found in $PATH' },
    );
    assert.ok(events.some((e) => e.startsWith('Warning Failed: Error: failed to start container "app"')));
  });
});
