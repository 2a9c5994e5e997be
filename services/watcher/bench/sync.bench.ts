// Sync time and peak RSS of `kubeblink watcher` for 1,000 nodes and 10,000 pods on the simulated
// cluster (aim: under 150 MB RSS). The first run after a source change meets a cold compile cache
// (services/cli/bin/kubeblink.js) and measures 15-25 MB more. Measured as deployed (the watcher
// container's env in deploy/base/watcher.yaml) and bare (`kubeblink watcher` by hand). Baseline in
// the same run: the RSS of an idle Node.js process (the runtime's own share), and the apiserver's own
// time to list the pods once.
// Needs the simulated cluster (test/support/sim.ts); when it cannot start the benchmark says so and exits 0.
// BENCH_NODES / BENCH_PODS change the size; on a busy machine the scheduler and KWOK are slow, so the
// pods get BENCH_READY_BUDGET seconds (default 600) to become ready and the figures say how many did.
// BENCH_KUBECONFIG=<file>: measure on a cluster that is already up (nothing created, nothing stopped).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { loudSkip, startSim } from '@kubeblink/test/support/sim';
import { until } from '@kubeblink/test/support/wait';
import { parse as parseYaml } from 'yaml';
import { WatcherProcess } from '../test/watcher-process.ts';

const NODES = Number(process.env.BENCH_NODES ?? 1000);
const PODS = Number(process.env.BENCH_PODS ?? 10_000);

const kb = (pid: number, field: 'VmHWM' | 'VmRSS') =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const mb = (k: number) => `${(k / 1024).toFixed(0)} MB`;

const BUDGET = Number(process.env.BENCH_READY_BUDGET ?? 600) * 1000;
const existing = process.env.BENCH_KUBECONFIG;
const sim = existing ? await existingCluster(existing) : await startSim({ nodes: NODES });
if (typeof sim === 'string') {
  loudSkip('sync benchmark', sim);
  process.exit(0);
}

async function existingCluster(kubeconfig: string) {
  // The sim's own state directory holds the admin client for the kubeconfig it wrote.
  const { dirname } = await import('node:path');
  const mod = await import('@kubeblink/sim');
  const kube = mod.simClient({ stateDir: dirname(kubeconfig) });
  const nodes = (await kube.must('GET', '/api/v1/nodes'))
    .json()
    .items.map((n: { metadata: { name: string } }) => n.metadata.name);
  return { kubeconfig, kube, nodes, stop: async () => kube.close() };
}

const broker = await new PlainBroker().start();
try {
  console.log(`cluster: ${sim.nodes.length} nodes${existing ? ' (already up)' : `; creating ${PODS} pods`}`);
  const t0 = Date.now();
  if (!existing)
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
  const readyPods = async (): Promise<number> =>
    (await sim.kube.must('GET', '/apis/apps/v1/namespaces/default/deployments/load')).json().status?.readyReplicas ?? 0;
  if (!existing) {
    await until(
      async () => (await readyPods()) === PODS || Date.now() - t0 > BUDGET,
      'pods ready or budget spent',
      BUDGET + 60_000,
      2000,
    );
  }
  const total = (await sim.kube.must('GET', '/api/v1/pods?limit=1')).json().metadata.remainingItemCount + 1;
  console.log(
    `${total} pods (${await readyPods()} of the Deployment ready) after ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );

  console.log('baseline: listing every pod once');
  const l0 = performance.now();
  const list = await sim.kube.must('GET', '/api/v1/pods?limit=500');
  let cont = list.json().metadata.continue;
  while (cont)
    cont = (await sim.kube.must('GET', `/api/v1/pods?limit=500&continue=${encodeURIComponent(cont)}`)).json().metadata
      .continue;
  const listMs = performance.now() - l0;

  console.log('baseline: RSS of an idle Node.js');
  const idle = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 3000)']);
  await new Promise((r) => setTimeout(r, 1000));
  const idleKb = kb(idle.pid as number, 'VmRSS');
  idle.kill();
  // The watcher's fixed cost: the same command with no objects at all (a recording of nothing).
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const emptyDir = mkdtempSync('/tmp/kubeblink-bench-');
  process.on('exit', () => rmSync(emptyDir, { recursive: true, force: true }));
  const empty = `${emptyDir}/empty.jsonl`;
  writeFileSync(empty, '{"kubeblink":"recording","version":1}\n');
  const { child: bare } = await WatcherProcess.spawn(broker.url, [
    '--source',
    'recording',
    '--recording',
    empty,
    '--log-level',
    'warn',
  ]);
  await new Promise((r) => setTimeout(r, 4000));
  const bareKb = kb(bare.pid as number, 'VmRSS');
  bare.kill();

  console.log(
    `baseline: apiserver paged list of all pods ${listMs.toFixed(0)} ms; idle Node.js process RSS ${mb(idleKb)}; the watcher with no objects ${mb(bareKb)}`,
  );
  // The headline: the watcher as deployed, with its container's environment from
  // deploy/base/watcher.yaml (NODE_OPTIONS, MALLOC_ARENA_MAX; KUBEBLINK_* settings are flags here). Then
  // bare: `kubeblink watcher` started by hand (no NODE_OPTIONS, glibc's default arenas).
  // BENCH_NODE_OPTIONS='A|B' measures other NODE_OPTIONS (with the rest of the deployed env) instead.
  // Each variant gets an empty broker of its own, so none meets the retained states of another.
  const deployed = deployedEnv();
  const variants: [string, NodeJS.ProcessEnv][] = process.env.BENCH_NODE_OPTIONS
    ? process.env.BENCH_NODE_OPTIONS.split('|').map((o) => [`NODE_OPTIONS='${o}'`, { ...deployed, NODE_OPTIONS: o }])
    : [
        ['as deployed', deployed],
        ['bare', { NODE_OPTIONS: '', MALLOC_ARENA_MAX: undefined }],
      ];
  for (const [label, overrides] of variants) {
    const own = await new PlainBroker().start();
    const s0 = performance.now();
    const watcher = await WatcherProcess.spawn(own.url, ['--kubeconfig', sim.kubeconfig, '--log-level', 'warn'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ...overrides },
    });
    const { child } = watcher;
    // A watcher that dies (a bad flag, out of memory) fails the benchmark at once, not after the wait.
    await watcher.ready(600_000, 100).catch((err: Error) => {
      throw new Error(`${err.message} (${label})`);
    });
    const syncMs = performance.now() - s0;
    await new Promise((r) => setTimeout(r, 5000));
    const rssAfter = kb(child.pid as number, 'VmRSS');
    const peak = kb(child.pid as number, 'VmHWM');
    child.kill('SIGTERM');
    await once(child, 'exit');
    await own.stop();
    const shown = Object.entries(overrides).map(([k, v]) => `${k}=${v === undefined ? '(unset)' : `'${v}'`}`);
    console.log(`watcher ${label} (${shown.join(' ')}):`);
    console.log(
      `  start to /readyz (list, derive, publish ${total + sim.nodes.length} retained states, stale check) ${(syncMs / 1000).toFixed(1)} s = ${(syncMs / listMs).toFixed(1)}x the bare list`,
    );
    console.log(
      `  peak RSS ${mb(peak)}, RSS 5 s after ready ${mb(rssAfter)}; ${mb(peak - bareKb)} above the watcher with no objects (aim: < 150 MB in all)`,
    );
  }
} finally {
  await broker.stop();
  await sim.stop();
}

/** The watcher container's plain env values in the deployment manifest, but for kubeblink's own settings. */
function deployedEnv(): NodeJS.ProcessEnv {
  const file = new URL('../../../deploy/base/watcher.yaml', import.meta.url);
  const doc = parseYaml(readFileSync(file, 'utf8'));
  const container = doc.spec.template.spec.containers.find((c: { name: string }) => c.name === 'watcher');
  const env: NodeJS.ProcessEnv = { NODE_OPTIONS: '' };
  for (const e of container.env as { name: string; value?: string }[])
    if (e.value !== undefined && !e.name.startsWith('KUBEBLINK_')) env[e.name] = e.value;
  return env;
}
