// The pod runner: plays the kubelet of every KWOK node for pods labelled kubeblink.io/runner=true
// (KWOK's stages skip those). Watches pods, nodes, node leases and services; one PodWorker per pod.
import { freePort, type Logger, type Registry } from '@kubeblink/core';
import { loadKubeConfig } from '@kubeblink/kube';
import {
  CoreV1Api,
  type V1Lease,
  type V1Node,
  type V1Pod,
  type V1Service,
  type V1ServicePort,
} from '@kubernetes/client-node';
import { KubeletEvents } from './events.ts';
import { IpPool } from './ips.ts';
import { informers, kubeApi } from './kube-api.ts';
import { KubeletBackoff } from './kubelet-backoff.ts';
import { PodWorker, type RunnerContext } from './pod.ts';
import { RunnerLease } from './runner-lease.ts';
import { runnerMetrics } from './runner-metrics.ts';
import { ServiceProxies, selects } from './service-proxy.ts';

/** KWOK manages nodes with this annotation (the sim's convention, services/sim/src/nodes.ts). */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
/** The holder the sim writes into a node's Lease to stop its heartbeat (services/sim/src/nodes.ts
 * HEARTBEAT_STOPPED_HOLDER): that node's kubelet is dead, so its processes stop and it says nothing. */
export const HEARTBEAT_STOPPED_HOLDER = 'kubeblink.io/heartbeat-stopped';

/** How long the apps get to shut down cleanly (publish offline, close the broker) when the runner stops. */
const RUNNER_STOP_GRACE_MS = 3000;

export interface PodRunnerOptions {
  kubeconfig: string;
  stateDir: string;
  log: Logger;
  broker?: string;
  cluster?: string;
  /** Crash and image-pull back-off: first delay and cap (kubelet: 10 s and 300 s). */
  backoffBaseSeconds?: number;
  backoffMaxSeconds?: number;
  /** Seconds between the kubelet's syncs of a waiting container (ErrImagePull -> ImagePullBackOff). */
  syncSeconds?: number;
  /** Seconds between CPU/memory samples of each pod's processes. */
  usageSeconds?: number;
  tokenAudience?: string;
  /** Called when another runner took the cluster over (default: this runner stops). */
  onLeaseLost?: () => void;
  /** Where the runner's metrics go (its service registry); a private one when absent. */
  registry?: Registry;
}

export class PodRunner {
  readonly name = 'pod-runner';
  private readonly opts: PodRunnerOptions;
  private readonly log: Logger;
  private readonly ctx: RunnerContext;
  private readonly inf;
  private readonly api;
  readonly workers = new Map<string, PodWorker>();
  private readonly finishing = new Set<string>();
  readonly services: ServiceProxies;
  private usageTimer: NodeJS.Timeout | undefined;
  private readonly lease: RunnerLease;
  private readonly events: KubeletEvents;
  private stopped = false;

  constructor(opts: PodRunnerOptions) {
    this.opts = opts;
    this.log = opts.log.child({ module: 'pod-runner' });
    const kc = loadKubeConfig({ kubeconfig: opts.kubeconfig });
    this.api = kubeApi(kc);
    this.inf = informers(kc);
    this.events = new KubeletEvents(kc.makeApiClient(CoreV1Api), this.log);
    this.lease = new RunnerLease(kc, this.log);
    const base = (opts.backoffBaseSeconds ?? 10) * 1000;
    const max = (opts.backoffMaxSeconds ?? 300) * 1000;
    this.ctx = {
      api: this.api,
      log: this.log,
      crashBackoff: new KubeletBackoff(base, max),
      imageBackoff: new KubeletBackoff(base, max),
      ips: new IpPool(),
      stateDir: opts.stateDir,
      broker: opts.broker,
      cluster: opts.cluster,
      tokenAudience: opts.tokenAudience ?? 'kubeblink',
      syncMs: (opts.syncSeconds ?? 1) * 1000,
      freePort,
      metrics: runnerMetrics(opts.registry),
      events: this.events,
    };
    this.services = new ServiceProxies({
      backends: (svc, port) => this.backends(svc, port),
      annotate: (svc, annotations) => this.api.patchServiceAnnotations(svc, annotations),
      log: this.log,
    });
  }

  async start(): Promise<void> {
    // Never two runners on one cluster: one that loses the lease later (another took over) stops.
    await this.lease.acquire(() => (this.opts.onLeaseLost ?? (() => void this.stop()))());
    try {
      await this.watch();
    } catch (err) {
      await this.stop(); // gives the lease back
      throw err;
    }
    this.log.info('pod runner started');
  }

  private async watch(): Promise<void> {
    const { pods, nodes, leases, services } = this.inf;
    const guard = (what: string, fn: () => unknown) => {
      try {
        const r = fn();
        if (r instanceof Promise) r.catch((err) => this.log.error({ err, what }, 'handler failed'));
      } catch (err) {
        this.log.error({ err, what }, 'handler failed');
      }
    };
    for (const [name, inf] of Object.entries(this.inf)) {
      // client-node informers stop on a watch error; start them again after a pause.
      inf.on('error', (err: unknown) => {
        if (this.stopped) return;
        this.log.warn({ err: (err as Error)?.message, informer: name }, 'watch failed; restarting');
        setTimeout(() => void inf.start().catch(() => undefined), 2000).unref();
      });
    }
    const nodeChanged = (name: string | undefined) => guard('node', () => this.resyncNode(name));
    nodes.on('add', (n) => nodeChanged(n.metadata?.name));
    nodes.on('update', (n) => nodeChanged(n.metadata?.name));
    nodes.on('delete', (n) => nodeChanged(n.metadata?.name));
    leases.on('add', (l) => nodeChanged(l.metadata?.name));
    leases.on('update', (l) => nodeChanged(l.metadata?.name));
    leases.on('delete', (l) => nodeChanged(l.metadata?.name));
    await Promise.all([nodes.start(), leases.start()]);
    pods.on('add', (p) => guard('pod', () => this.reconcile(p)));
    pods.on('update', (p) => guard('pod', () => this.reconcile(p)));
    pods.on('delete', (p) => guard('pod', () => this.forget(p)));
    services.on('add', (s) => guard('service', () => this.services.sync(s)));
    services.on('update', (s) => guard('service', () => this.services.sync(s)));
    services.on('delete', (s) => guard('service', () => this.services.remove(s)));
    await Promise.all([pods.start(), services.start()]);
    const every = (this.opts.usageSeconds ?? 1) * 1000; // the settings schema's default
    this.usageTimer = setInterval(() => {
      this.ctx.metrics.pods.set(this.workers.size);
      for (const w of this.workers.values())
        w.sampleUsage().catch((err) => this.log.debug({ err: err.message }, 'usage write failed'));
    }, every);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.usageTimer);
    await Promise.all(Object.values(this.inf).map((i) => i.stop().catch(() => undefined)));
    await this.services.closeAll();
    // The runner's processes are its children: they go with it (their status is left as it was).
    await Promise.all([...this.workers.values()].map((w) => w.kill(RUNNER_STOP_GRACE_MS)));
    this.workers.clear();
    await this.lease.release();
  }

  /** The local processes of a pod (pid and the local port of its app), for tests and tools. */
  processes(namespace: string, name: string): { container: string; pid?: number; port: number }[] {
    for (const w of this.workers.values()) {
      const md = w.pod.metadata;
      if (md?.namespace === namespace && md?.name === name)
        return w.containers.map((c) => ({ container: c.spec.name, pid: c.pid, port: c.localPort }));
    }
    return [];
  }

  private node(name: string): V1Node | undefined {
    return this.inf.nodes.get(name);
  }

  /** A node the runner plays the kubelet for: a KWOK node whose heartbeat was not stopped. */
  nodeAlive(name: string): boolean {
    const node = this.node(name);
    if (!node?.metadata?.annotations?.[KWOK_NODE_ANNOTATION]) return false;
    const lease: V1Lease | undefined = this.inf.leases.get(name, 'kube-node-lease');
    return lease?.spec?.holderIdentity !== HEARTBEAT_STOPPED_HOLDER;
  }

  private resyncNode(name: string | undefined): void {
    if (!name) return;
    for (const p of this.inf.pods.list()) if (p.spec?.nodeName === name) this.reconcile(p);
  }

  private reconcile(pod: V1Pod): void {
    if (this.stopped) return;
    const uid = pod.metadata?.uid ?? '';
    const nodeName = pod.spec?.nodeName;
    let w = this.workers.get(uid);
    if (!nodeName) return;
    if (!this.nodeAlive(nodeName)) {
      if (w) {
        this.log.warn({ pod: pod.metadata?.name, node: nodeName }, 'node is down: its processes stop');
        this.workers.delete(uid);
        void w.kill();
      }
      return;
    }
    if (w) w.update(pod);
    if (pod.metadata?.deletionTimestamp) {
      if (w) {
        const worker = w;
        worker
          .terminate()
          .catch((err) => this.log.error({ err }, 'pod termination failed'))
          .finally(() => this.workers.get(uid) === worker && this.workers.delete(uid));
      } else if (!this.finishing.has(uid)) {
        // Nothing runs for it here (it never started, or its node was down): finish the delete.
        this.finishing.add(uid);
        this.api.deletePod(pod).catch((err) => {
          this.finishing.delete(uid);
          this.log.warn({ err: err.message }, 'delete failed');
        });
      }
      return;
    }
    if (w) return;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const node = this.node(nodeName);
    const hostIP = node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    w = new PodWorker(pod, hostIP, this.ctx);
    this.workers.set(uid, w);
    w.start().catch((err) => this.log.error({ err }, 'pod start failed'));
  }

  private forget(pod: V1Pod): void {
    const uid = pod.metadata?.uid ?? '';
    this.finishing.delete(uid);
    this.events.forget(uid);
    const w = this.workers.get(uid);
    if (!w) return;
    this.workers.delete(uid);
    void w.kill();
  }

  private backends(svc: V1Service, port: V1ServicePort): number[] {
    const target = port.targetPort ?? port.port;
    const out: number[] = [];
    for (const w of this.workers.values()) {
      const md = w.pod.metadata;
      if (md?.namespace !== svc.metadata?.namespace || !selects(svc.spec?.selector, md?.labels)) continue;
      const ep = w.endpoint();
      const local = ep.containerPorts.get(typeof target === 'string' && /^\d+$/.test(target) ? Number(target) : target);
      if (ep.ready && local) out.push(local);
    }
    return out.sort((a, b) => a - b);
  }
}
