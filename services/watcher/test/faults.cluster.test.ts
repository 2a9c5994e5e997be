// Fault tests on the simulated cluster: the watcher reaches the apiserver through a TCP proxy that
// can cut every connection and refuse new ones; then the kube-apiserver itself is killed mid-stream
// and restarted. Each time the watcher must recover, end with retained states equal to the API, and
// never publish a transition event twice.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeHttp, LeaseElector } from '@kubeblink/kube/plain';
import { loudSkip } from '@kubeblink/test/support/sim';
import { until } from '@kubeblink/test/support/wait';
import { pino } from 'pino';
import { type Harness, type Json, startHarness } from './cluster-harness.ts';

const NS = 'faults';
const MERGE = 'application/merge-patch+json';

/** A loopback TCP proxy to the apiserver that can cut all connections and refuse new ones. */
class CuttingProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  refusing = false;
  port = 0;
  cuts = 0;
  private readonly target: number;
  constructor(target: number) {
    this.target = target;
  }
  async start(): Promise<void> {
    const server = createServer((client) => {
      if (this.refusing) return client.destroy();
      const upstream = connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }
  cut(): void {
    this.cuts++;
    for (const s of this.sockets) s.destroy();
  }
  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

describe('watcher fault tolerance on the simulated cluster', () => {
  let h: Harness | undefined;
  let skip = '';
  let proxy: CuttingProxy | undefined;
  let restartedApiserver: number | undefined;

  before(async () => {
    const r = await startHarness({
      nodes: 1,
      kubeconfig: async (sim) => {
        proxy = new CuttingProxy(Number(new URL(sim.server).port));
        await proxy.start();
        const kc = JSON.parse(readFileSync(sim.kubeconfig, 'utf8'));
        kc.clusters[0].cluster.server = `https://127.0.0.1:${proxy.port}`;
        const file = join(sim.stateDir, '..', 'proxied-kubeconfig');
        writeFileSync(file, JSON.stringify(kc));
        return file;
      },
    });
    if (typeof r === 'string') skip = loudSkip('watcher fault tests', r);
    else h = r;
    if (h) await h.apply('POST', '/api/v1/namespaces', { metadata: { name: NS } });
  });
  after(async () => {
    // The apiserver this test restarted is not in the sim's records: stop it here, by its pid.
    if (restartedApiserver) {
      try {
        process.kill(restartedApiserver, 'SIGTERM');
      } catch {}
    }
    await h?.stop();
    await proxy?.stop();
  });

  const runnerPod = (name: string) =>
    h!.apply('POST', `/api/v1/namespaces/${NS}/pods`, {
      metadata: { name, labels: { [h!.sim.runnerLabel]: 'true' } },
      spec: { nodeName: 'pi3-worker-1', containers: [{ name: 'app', image: 'kubeblink/demo-app:1' }] },
    });
  const running = (restarts: number) => ({
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [
      {
        name: 'app',
        image: 'kubeblink/demo-app:1',
        imageID: '',
        ready: true,
        started: true,
        restartCount: restarts,
        state: {
          running: { startedAt: new Date(Date.now() - 1000 * (10 - restarts)).toISOString().replace(/\.\d+Z$/, 'Z') },
        },
        lastState: restarts
          ? {
              terminated: {
                exitCode: 2,
                reason: 'Error',
                finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
              },
            }
          : {},
      },
    ],
  });
  const setStatus = (name: string, status: Json) =>
    h!.apply('PATCH', `/api/v1/namespaces/${NS}/pods/${name}/status`, { status }, MERGE);
  const ofPod = (name: string, type: string) => (e: Json) =>
    e.data?.name === name && e.type === `io.kubeblink.pod.${type}`;

  async function statesEqualApi(): Promise<void> {
    await until(
      async () => {
        const api = (await h!.kube.must('GET', '/api/v1/pods')).json().items as Json[];
        const states = [...(await h!.retained()).entries()].filter(([k]) => k.includes('/pods/')).map(([, v]) => v);
        const key = (ns: string, name: string, rv: string) => `${ns}/${name}@${rv}`;
        const want = api.map((p) => key(p.metadata.namespace, p.metadata.name, p.metadata.resourceVersion)).sort();
        const got = states.map((v) => key(v.namespace, v.name, v.resourceVersion)).sort();
        return JSON.stringify(want) === JSON.stringify(got);
      },
      'retained pod states equal the API (resourceVersions included)',
      90_000,
      500,
    );
    const ids = h!.events().map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, `no transition event published twice: ${ids.join(' ')}`);
  }

  test('a TCP proxy cuts the watch and refuses connections while the cluster changes', async (t) => {
    if (!h || !proxy) return t.skip(skip);
    await runnerPod('p1');
    await setStatus('p1', running(0));
    await h.waitEvent('p1 ready', ofPod('p1', 'ready'));
    proxy.refusing = true;
    proxy.cut();
    await setStatus('p1', running(1));
    await runnerPod('p2');
    await setStatus('p2', running(0));
    await sleep(1500); // the watcher retries against a refusing proxy meanwhile
    proxy.refusing = false;
    await h.waitEvent('p1 restarted after the cut', ofPod('p1', 'restarted'));
    await h.waitEvent('p2 ready after the cut', ofPod('p2', 'ready'));
    await statesEqualApi();
    assert.equal(h.events().filter(ofPod('p1', 'restarted')).length, 1);
  });

  test('the kube-apiserver is killed mid-stream and restarted', async (t) => {
    if (!h) return t.skip(skip);
    const state = JSON.parse(readFileSync(join(h.sim.stateDir, 'state.json'), 'utf8'));
    const rec = state.procs.find((p: Json) => p.name === 'kube-apiserver');
    const cmdline = readFileSync(`/proc/${rec.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    await setStatus('p2', running(1)); // a change racing the kill
    process.kill(rec.pid, 'SIGKILL');
    await until(() => {
      try {
        process.kill(rec.pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 'apiserver gone');
    const log = openSync(rec.log, 'a');
    const child = spawn(cmdline[0] as string, cmdline.slice(1), { detached: true, stdio: ['ignore', log, log] });
    child.unref();
    restartedApiserver = child.pid;
    await until(
      async () => (await h!.kube.request('GET', '/readyz').catch(() => ({ status: 0 }))).status === 200,
      'apiserver back',
      120_000,
      500,
    );
    await setStatus('p1', running(2));
    await h.waitEvent('p1 second restart', (e) => ofPod('p1', 'restarted')(e) && e.data.restartCount === 2, 120_000);
    await h.waitEvent('p2 restart', ofPod('p2', 'restarted'), 120_000);
    await statesEqualApi();
  });

  test('a Lease elects one active watcher; a clean stop hands over; a stolen lease is noticed', async (t) => {
    if (!h) return t.skip(skip);
    const http = await KubeHttp.load(h.sim.kubeconfig);
    const lost: string[] = [];
    const elector = (identity: string) =>
      new LeaseElector({
        http,
        namespace: NS,
        name: 'kubeblink-watcher-default',
        identity,
        leaseSeconds: 6,
        renewSeconds: 1,
        log: pino({ level: 'silent' }),
        onLost: () => lost.push(identity),
      });
    const a = elector('watcher-a');
    const b = elector('watcher-b');
    await a.start();
    let bLeads = false;
    const bStarted = b.start().then(() => (bLeads = true));
    await sleep(3000);
    assert.equal(bLeads, false, 'a standby waits while the leader renews');
    const path = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/kubeblink-watcher-default`;
    assert.equal((await h.kube.must('GET', path)).json().spec.holderIdentity, 'watcher-a');
    await a.stop(); // releases: b takes over without waiting for the lease to expire
    await bStarted;
    assert.equal((await h.kube.must('GET', path)).json().spec.holderIdentity, 'watcher-b');
    // someone else writes the lease: b notices at its next renewal and gives up
    const lease = (await h.kube.must('GET', path)).json();
    lease.spec.holderIdentity = 'intruder';
    lease.spec.renewTime = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
    await h.kube.must('PUT', path, lease);
    await until(() => lost.includes('watcher-b'), 'b noticed the lost lease', 20_000, 100);
    assert.equal(b.isLeader, false);
    assert.deepEqual(lost, ['watcher-b']);
    await b.stop();
    assert.equal(
      (await h.kube.must('GET', path)).json().spec.holderIdentity,
      'intruder',
      'a former leader never releases a lease it lost',
    );
  });
});
