// simUp / simDown / simStatus: start, stop and inspect the simulated cluster. All state (PKI,
// kubeconfigs, logs, etcd data, PIDs) lives in one state directory; `down` removes it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { freePort } from '@kubeblink/core';
import { simDefaultStateDir } from '@kubeblink/kube/plain';
import { ensureBinaries, type Log } from './build.ts';
import {
  apiserverArgs,
  controllerManagerArgs,
  etcdArgs,
  kubeconfigPath,
  kwokArgs,
  metricsServerArgs,
  type Ports,
  schedulerArgs,
  timingFor,
} from './control-plane.ts';
import { KubeClient, kubeconfigFor } from './kube-client.ts';
import { registerMetricsServer } from './metrics-server.ts';
import { kwokConfig, nodeManifest, nodeSpecs } from './nodes.ts';
import { makePki, type Pki } from './pki.ts';
import { isRunning, type ProcRecord, startDaemon, stopAll, waitFor } from './procs.ts';

const MARKER = '.kubeblink-sim'; // only a directory holding this is ever removed by `down`

export interface SimOptions {
  stateDir?: string;
  log?: Log;
}
export interface UpOptions extends SimOptions {
  /** Number of Pi 3 workers besides pi4-master (default 2). */
  nodes?: number;
  /** Run metrics-server and KWOK's resource metrics (default: up to 50 nodes). Scraping 1,000
   * nodes every 10 s overloads KWOK on a small machine until node leases expire, so scale runs
   * go without (no HPA there). */
  metrics?: boolean;
}

export interface SimState {
  stateDir: string;
  binDir: string;
  server: string;
  kubeconfig: string;
  kubectl: string;
  nodes: string[];
  ports: Ports;
  procs: ProcRecord[];
  startedAt: string;
}

/** One definition for the sim and for every command that looks for it (@kubeblink/kube's discovery). */
export function defaultStateDir(): string {
  return simDefaultStateDir();
}

const stateFile = (dir: string) => join(dir, 'state.json');

/** Records a process started next to the cluster (the pod runner), so that `sim down` stops it too. */
export function addSimProc(rec: ProcRecord, o: SimOptions = {}): void {
  const dir = o.stateDir ?? defaultStateDir();
  const state = readState(dir);
  if (!state) throw new Error(`no simulated cluster in ${dir}`);
  state.procs.push(rec);
  writeFileSync(stateFile(dir), `${JSON.stringify(state, null, 2)}\n`);
}

function readState(dir: string): SimState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(dir), 'utf8')) as SimState;
  } catch {
    return undefined;
  }
}

export class SimAlreadyRunning extends Error {}

export interface Status {
  running: boolean;
  stateDir: string;
  state?: SimState;
  procs: { name: string; pid: number; running: boolean; log: string }[];
}

export function simStatus(o: SimOptions = {}): Status {
  const stateDir = o.stateDir ?? defaultStateDir();
  const state = readState(stateDir);
  const procs = (state?.procs ?? []).map((p) => ({ name: p.name, pid: p.pid, running: isRunning(p), log: p.log }));
  return { running: procs.some((p) => p.running), stateDir, state, procs };
}

/** An API client for a running simulated cluster (admin identity). Close it when done. */
export function simClient(o: SimOptions = {}): KubeClient {
  const stateDir = o.stateDir ?? defaultStateDir();
  const s = readState(stateDir);
  if (!s) throw new Error(`no simulated cluster in ${stateDir}`);
  const pki = join(stateDir, 'pki');
  return new KubeClient({
    server: s.server,
    caFile: join(pki, 'ca.crt'),
    certFile: join(pki, 'admin.crt'),
    keyFile: join(pki, 'admin.key'),
  });
}

export function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (res: { statusCode?: number; resume(): void }) => {
      res.resume();
      resolve(res.statusCode === 200);
    };
    // The components' own serving certificates are self-signed at start-up; only local health
    // endpoints are probed this way, never the API.
    const req = url.startsWith('https:') ? httpsGet(url, { rejectUnauthorized: false }, done) : httpGet(url, done);
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

export async function simUp(o: UpOptions = {}): Promise<SimState> {
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const stateDir = o.stateDir ?? defaultStateDir();
  const workers = o.nodes ?? 2;
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`--nodes must be a whole number, got ${o.nodes}`);
  const t0 = Date.now();

  const prev = simStatus({ stateDir });
  if (prev.running) {
    throw new SimAlreadyRunning(
      `a simulated cluster is already running (state ${stateDir}, KUBECONFIG=${prev.state?.kubeconfig}); run \`kubeblink sim down\` first`,
    );
  }
  if (existsSync(stateDir)) {
    if (!existsSync(join(stateDir, MARKER)))
      throw new Error(`${stateDir} exists and is not a simulated cluster's state directory`);
    log(`removing stale state of a stopped simulated cluster in ${stateDir}`);
    rmSync(stateDir, { recursive: true, force: true });
  }

  const binDir = await ensureBinaries(log);
  const bin = (name: string) => join(binDir, name);
  for (const d of ['pki', 'logs', 'etcd']) mkdirSync(join(stateDir, d), { recursive: true, mode: 0o700 });
  writeFileSync(join(stateDir, MARKER), 'state of `kubeblink sim up`; removed by `kubeblink sim down`\n');
  const logDir = join(stateDir, 'logs');

  log('making certificates and keys');
  const pki: Pki = makePki(join(stateDir, 'pki'));
  const ports: Ports = {
    etcdClient: await freePort(),
    etcdPeer: await freePort(),
    apiserver: await freePort(),
    controllerManager: await freePort(),
    scheduler: await freePort(),
    kwok: await freePort(),
    metricsServer: await freePort(),
  };
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const timing = timingFor(workers + 1);
  const metrics = o.metrics ?? workers + 1 <= 50;
  const state: SimState = {
    stateDir,
    binDir,
    server,
    kubeconfig: kubeconfigPath(stateDir, 'admin'),
    kubectl: bin('kubectl'),
    nodes: nodeSpecs(workers).map((n) => n.name),
    ports,
    procs: [],
    startedAt: new Date().toISOString(),
  };
  // Recorded after every start, so `down` can clean up after a failed or interrupted `up`.
  const save = () => writeFileSync(stateFile(stateDir), `${JSON.stringify(state, null, 2)}\n`);
  const start = (name: string, args: string[], env?: NodeJS.ProcessEnv) => {
    const p = startDaemon(name, bin(name), args, logDir, env);
    state.procs.push(p);
    save();
    return p;
  };
  save();

  let kube: KubeClient | undefined;
  try {
    log(`starting etcd on 127.0.0.1:${ports.etcdClient}`);
    const etcd = start('etcd', etcdArgs(ports, join(stateDir, 'etcd')));
    await waitFor('etcd /health', () => httpOk(`http://127.0.0.1:${ports.etcdClient}/health`), {
      timeoutMs: 30_000,
      proc: etcd,
    });

    log(`starting kube-apiserver on ${server}`);
    const apiserver = start('kube-apiserver', apiserverArgs(ports, pki));
    const admin = pki.certs.admin;
    if (!admin) throw new Error('no admin certificate');
    kube = new KubeClient({ server, caFile: pki.caCrt, certFile: admin.crt, keyFile: admin.key });
    const k = kube;
    await waitFor('kube-apiserver /readyz', async () => (await k.request('GET', '/readyz')).status === 200, {
      timeoutMs: 90_000,
      proc: apiserver,
    });

    for (const who of ['admin', 'controller-manager', 'scheduler'] as const) {
      const c = pki.certs[who];
      if (!c) throw new Error(`no ${who} certificate`);
      writeFileSync(kubeconfigPath(stateDir, who), kubeconfigFor(server, pki.caCrt, c.crt, c.key, who), {
        mode: 0o600,
      });
    }
    const kwokConfigFile = join(stateDir, 'kwok.yaml');
    writeFileSync(kwokConfigFile, kwokConfig(join(binDir, 'kwok-stages'), metrics));

    log('starting kube-controller-manager, kube-scheduler and kwok');
    const kcm = start(
      'kube-controller-manager',
      controllerManagerArgs(ports, pki, kubeconfigPath(stateDir, 'controller-manager'), timing),
    );
    const sched = start('kube-scheduler', schedulerArgs(ports, kubeconfigPath(stateDir, 'scheduler')));
    // KWOK_WORKDIR keeps kwok from reading a user's ~/.kwok/kwok.yaml.
    const kwok = start('kwok', kwokArgs(ports, pki, state.kubeconfig, kwokConfigFile, timing), {
      ...process.env,
      KWOK_WORKDIR: join(stateDir, 'kwok'),
    });
    await Promise.all([
      waitFor(
        'kube-controller-manager /healthz',
        () => httpOk(`https://127.0.0.1:${ports.controllerManager}/healthz`),
        { timeoutMs: 60_000, proc: kcm },
      ),
      waitFor('kube-scheduler /healthz', () => httpOk(`https://127.0.0.1:${ports.scheduler}/healthz`), {
        timeoutMs: 60_000,
        proc: sched,
      }),
      waitFor('kwok /healthz', () => httpOk(`http://127.0.0.1:${ports.kwok}/healthz`), {
        timeoutMs: 60_000,
        proc: kwok,
      }),
    ]);

    const specs = nodeSpecs(workers);
    log(`creating ${specs.length} KWOK nodes`);
    const version = (await k.must('GET', '/version')).json().gitVersion as string;
    await mapLimit(specs, 16, async (n) => {
      await k.must('POST', '/api/v1/nodes', nodeManifest(n, version, ports.kwok), {}, [409]);
    });
    await waitFor(`${specs.length} nodes Ready`, async () => (await readyNodes(k)) >= specs.length, {
      timeoutMs: 60_000 + specs.length * 100,
      proc: kwok,
      intervalMs: specs.length > 50 ? 2000 : 500, // a 1,000-node list is megabytes
    });
    // Pods need their namespace's default ServiceAccount, which the controller-manager creates.
    await waitFor(
      'the default ServiceAccount',
      async () => (await k.request('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200,
      {
        timeoutMs: 60_000,
        proc: kcm,
      },
    );
    if (metrics) {
      log(`starting metrics-server on 127.0.0.1:${ports.metricsServer}`);
      const ms = start('metrics-server', metricsServerArgs(ports, pki, state.kubeconfig));
      await registerMetricsServer(k, ports.metricsServer, pki.caCrt);
      await waitFor('metrics-server /livez', () => httpOk(`https://127.0.0.1:${ports.metricsServer}/livez`), {
        timeoutMs: 60_000,
        proc: ms,
      });
    }
    log(
      `simulated cluster up in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${specs.length} nodes, Kubernetes ${version}`,
    );
    return state;
  } catch (err) {
    // Stop what was started, but keep the state dir for its logs; the next `up` (or `down`)
    // removes it.
    await stopAll(state.procs, () => {});
    log(`sim up failed; the processes it started are stopped, their logs are in ${logDir}`);
    throw err;
  } finally {
    kube?.close();
  }
}

async function readyNodes(k: KubeClient): Promise<number> {
  const items = (await k.must('GET', '/api/v1/nodes')).json().items as {
    status?: { conditions?: { type: string; status: string }[] };
  }[];
  return items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Stops every process of the simulated cluster by its recorded PID and removes the state
 * directory. Returns false if there was nothing to stop. */
export async function simDown(o: SimOptions = {}): Promise<boolean> {
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const stateDir = o.stateDir ?? defaultStateDir();
  if (!existsSync(join(stateDir, MARKER))) return false;
  await stopAll(readState(stateDir)?.procs ?? [], log);
  rmSync(stateDir, { recursive: true, force: true });
  log(`simulated cluster stopped; removed ${stateDir}`);
  return true;
}
