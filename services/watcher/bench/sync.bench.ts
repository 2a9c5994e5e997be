// Sync time and peak RSS of `kubeblink watcher` for 1,000 nodes and 10,000 pods on the simulated
// cluster (aim: under 150 MB RSS). Baseline in the same run: the RSS of an idle Node.js process
// (the runtime's own share), and the apiserver's own time to list the 10,000 pods once.
// Needs the sim package (see test/support/sim.ts); without it the benchmark says so and exits 0.
// BENCH_NODES / BENCH_PODS change the size.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { loudSkip, startSim } from '@kubeblink/test/support/sim';
import { until } from '@kubeblink/test/support/wait';

const NODES = Number(process.env.BENCH_NODES ?? 1000);
const PODS = Number(process.env.BENCH_PODS ?? 10_000);
const CLI = new URL('../../cli/bin/kubeblink.js', import.meta.url).pathname;

const kb = (pid: number, field: 'VmHWM' | 'VmRSS') =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const mb = (k: number) => `${(k / 1024).toFixed(0)} MB`;

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  s.close();
  return port;
}

const sim = await startSim({ nodes: NODES });
if (typeof sim === 'string') {
  loudSkip('sync benchmark', sim);
  process.exit(0);
}
const broker = await new PlainBroker().start();
try {
  console.log(`simulated cluster: ${sim.nodes.length} nodes; creating ${PODS} pods`);
  const t0 = Date.now();
  await sim.kube.must('POST', '/apis/apps/v1/namespaces/default/deployments', {
    metadata: { name: 'load' },
    spec: {
      replicas: PODS,
      selector: { matchLabels: { app: 'load' } },
      template: {
        metadata: { labels: { app: 'load' } },
        spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10' }] },
      },
    },
  });
  await until(
    async () =>
      (await sim.kube.must('GET', '/apis/apps/v1/namespaces/default/deployments/load')).json().status?.readyReplicas ===
      PODS,
    `${PODS} pods ready`,
    1_200_000,
    2000,
  );
  console.log(`${PODS} pods ready after ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  const l0 = performance.now();
  const list = await sim.kube.must('GET', '/api/v1/pods?limit=500');
  let cont = list.json().metadata.continue;
  while (cont)
    cont = (await sim.kube.must('GET', `/api/v1/pods?limit=500&continue=${encodeURIComponent(cont)}`)).json().metadata
      .continue;
  const listMs = performance.now() - l0;

  const idle = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 3000)']);
  await new Promise((r) => setTimeout(r, 1000));
  const idleKb = kb(idle.pid as number, 'VmRSS');
  idle.kill();

  const httpPort = await freePort();
  const s0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      CLI,
      'watcher',
      '--broker',
      broker.url,
      '--kubeconfig',
      sim.kubeconfig,
      '--http-port',
      String(httpPort),
      '--http-host',
      '127.0.0.1',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await until(
    async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`).catch(() => null))?.status === 200,
    'watcher ready',
    600_000,
    100,
  );
  const syncMs = performance.now() - s0;
  const peakAtReady = kb(child.pid as number, 'VmHWM');
  await new Promise((r) => setTimeout(r, 5000));
  const rssAfter = kb(child.pid as number, 'VmRSS');
  const peak = kb(child.pid as number, 'VmHWM');
  child.kill('SIGTERM');
  await once(child, 'exit');
  console.log(
    `baseline: apiserver paged list of all pods ${listMs.toFixed(0)} ms; idle Node.js process RSS ${mb(idleKb)}`,
  );
  console.log(
    `watcher: start to /readyz (list, derive, publish ${PODS + sim.nodes.length} retained states, stale check) ${(syncMs / 1000).toFixed(1)} s = ${(syncMs / listMs).toFixed(1)}x the bare list`,
  );
  console.log(
    `watcher: peak RSS ${mb(peak)} (${mb(peakAtReady)} at ready), RSS 5 s later ${mb(rssAfter)}; ${(peak / idleKb).toFixed(1)}x an idle Node.js (aim: < 150 MB)`,
  );
} finally {
  await broker.stop();
  await sim.stop();
}
