// `kubeblink up` as a user runs it (a child process), on a simulated cluster that is already
// running (so up must leave it running): three boards, a lit LED, the demo app's request signals on
// the bus; then Ctrl-C (SIGINT): exit code 0, the demo app deleted (Deployment, Service, pods), the
// pod runner up started and the demo-app processes stopped, the simulated cluster still there.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MosquittoSub } from '@kubeblink/test/support/mosquitto';
import { loudSkip, type SimCluster, startSim } from '@kubeblink/test/support/sim';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';

const BIN = fileURLToPath(new URL('../../cli/bin/kubeblink.js', import.meta.url));

/** PIDs of processes whose environment holds `entry` (the pod runner gives each app KUBEBLINK_POD). */
function pidsWithEnv(entry: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/environ`, 'utf8').split('\0').includes(entry)) pids.push(Number(d));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

function pidsWithArg(arg: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').includes(arg)) pids.push(Number(d));
    } catch {}
  }
  return pids;
}

interface Leds {
  source: string;
  boards: {
    node: string;
    slots: { pod: { name: string; status: string } | null }[];
    leds: { id: string; level: number }[];
  }[];
}

describe('kubeblink up on the simulated cluster (child process, Ctrl-C)', { timeout: 300_000 }, () => {
  let sim: SimCluster | undefined;
  let skip = '';
  let child: ChildProcess | undefined;
  let out = '';
  const dir = mkdtempSync(join(tmpdir(), 'up-cluster-'));

  before(async () => {
    const s = needTool(MOSQUITTO_CLIENTS) || (await startSim());
    if (typeof s === 'string') skip = loudSkip('kubeblink up cluster test', s);
    else sim = s;
  });
  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows three boards and lit LEDs, then Ctrl-C cleans up what it deployed and started', async (t) => {
    if (!sim) return t.skip(skip);
    const s = sim;
    child = spawn(
      process.execPath,
      [
        BIN,
        'up',
        '--render',
        'lines',
        '--sim-state-dir',
        s.stateDir,
        '--port',
        '0',
        '--ws-port',
        '-1',
        '--http-port',
        '0',
        '--log-file',
        join(dir, 'up.log'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    const exited = once(child, 'exit');
    const ledsUrl = await until(
      () => /curl -s (http:\/\/127\.0\.0\.1:\d+\/leds)/.exec(out)?.[1],
      'up to be running',
      120_000,
      100,
    );
    const brokerPort = Number(/mosquitto_sub -h 127\.0\.0\.1 -p (\d+)/.exec(out)?.[1]);
    assert.match(
      out,
      /^kubeblink up is running: simulated cluster, 3 nodes \(already running: left running on exit\)$/m,
    );
    const sub = new MosquittoSub(brokerPort, ['kubeblink/default/nodes/+/pods/+/+/signals']);
    try {
      const pic = await until(
        async () => {
          const p = (await (await fetch(ledsUrl)).json()) as Leds;
          const allOnline = p.boards.every(
            (b) =>
              b.slots[0]?.pod?.status === 'Running' && b.leds.some((l) => l.id === 'slot0.online' && l.level === 1),
          );
          return p.boards.length === 3 && allOnline ? p : undefined;
        },
        'three boards, each with a demo-app pod Running and its online LED lit',
        120_000,
        200,
      );
      assert.equal(pic.source, 'sim');
      assert.deepEqual(
        pic.boards.map((b) => b.node),
        ['pi4-master', 'pi3-worker-1', 'pi3-worker-2'],
      );
      const pods = pic.boards.map((b) => b.slots[0]?.pod?.name ?? '');
      for (const p of pods) assert.match(p, /^kubeblink-demo-app-[a-z0-9]+-[a-z0-9]+$/);
      // The gentle request stream reaches real processes, whose signals reach up's broker (token login).
      const req = await sub.waitFor((m) => m.payload.includes('"io.kubeblink.app.request"'), 60_000);
      assert.match(req.topic, /^kubeblink\/default\/nodes\/pi[^/]+\/pods\/default\/kubeblink-demo-app-[^/]+\/signals$/);
      // Each pod is a real process (the pod runner's), and the runner is up's child.
      for (const p of pods) assert.equal(pidsWithEnv(`KUBEBLINK_POD=${p}`).length, 1, p);
      assert.equal(pidsWithArg(s.kubeconfig).length, 1, 'one pod runner on this cluster');

      child.kill('SIGINT');
      const [code] = await exited;
      assert.equal(code, 0, out);
      assert.match(out, /^kubeblink up stopped everything it started; the first LED lit [\d.]+ s after start\./m);
      // What up deployed is gone, pods included; the cluster up did not start still runs.
      const read = (path: string) => s.kube.request('GET', path);
      assert.equal((await read('/apis/apps/v1/namespaces/default/deployments/kubeblink-demo-app')).status, 404);
      assert.equal((await read('/api/v1/namespaces/default/services/kubeblink-demo-app')).status, 404);
      const left = (await read('/api/v1/namespaces/default/pods')).json().items as unknown[];
      assert.deepEqual(left, []);
      // The processes it started are stopped: the pod runner and every demo-app process.
      assert.deepEqual(pidsWithArg(s.kubeconfig), []);
      for (const p of pods) assert.deepEqual(pidsWithEnv(`KUBEBLINK_POD=${p}`), [], p);
      assert.equal((await read('/readyz')).status, 200);
    } finally {
      await sub.stop();
    }
  });
});
