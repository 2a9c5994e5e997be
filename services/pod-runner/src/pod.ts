// One pod on one simulated node: its containers, its IP, its ServiceAccount token, and its status,
// written through the status subresource as the kubelet's status manager does.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@kubeblink/core';
import type { V1Pod, V1PodStatus } from '@kubernetes/client-node';
import { ContainerRunner } from './container.ts';
import type { EnvSources } from './env.ts';
import type { EventSink, EventType } from './events.ts';
import type { IpPool } from './ips.ts';
import type { KubeletBackoff } from './kubelet-backoff.ts';
import { buildPodStatus, type ContainerView, statusKey } from './kubelet-pod-status.ts';
import type { RunnerMetrics } from './runner-metrics.ts';
import { ENDPOINT_ANNOTATION } from './service-proxy.ts';

export interface PodApi {
  /** Strategic-merge patch of the status subresource; false if the pod is gone. */
  patchStatus(pod: V1Pod, status: V1PodStatus): Promise<boolean>;
  patchAnnotations(pod: V1Pod, annotations: Record<string, string | null>): Promise<void>;
  /** The kubelet's final delete: grace period 0, only this UID. */
  deletePod(pod: V1Pod): Promise<void>;
  /** A bound ServiceAccount token (TokenRequest) for the pod. */
  requestToken(pod: V1Pod, audience: string, seconds: number): Promise<{ token: string; expiresAt: Date }>;
  envSources(namespace: string): EnvSources;
}

export interface RunnerContext {
  api: PodApi;
  log: Logger;
  crashBackoff: KubeletBackoff;
  imageBackoff: KubeletBackoff;
  ips: IpPool;
  stateDir: string;
  broker?: string;
  cluster?: string;
  tokenAudience: string;
  syncMs: number;
  freePort(): Promise<number>;
  metrics: RunnerMetrics;
  events: EventSink;
}

/** CPU usage is published as KWOK's usage annotation (kustomize/metrics/usage in KWOK). */
export const USAGE_CPU_ANNOTATION = 'kwok.x-k8s.io/usage-cpu';
export const USAGE_MEMORY_ANNOTATION = 'kwok.x-k8s.io/usage-memory';
const TOKEN_SECONDS = 3600;

export class PodWorker {
  pod: V1Pod;
  readonly uid: string;
  readonly containers: ContainerRunner[];
  private readonly ctx: RunnerContext;
  private readonly log: Logger;
  private readonly dir: string;
  private readonly podIP: string;
  private readonly hostIP: string | undefined;
  private readonly startTime: Date;
  private silent = false;
  private cleaned = false;
  private endpointPublished = false;
  private terminal = false;
  private writeTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private lastWritten = '';
  private tokenTimer: NodeJS.Timeout | undefined;
  private tokenFile: string | undefined;
  private lastUsage = { cpu: '', memory: '' };
  terminating: Promise<void> | undefined;

  constructor(pod: V1Pod, hostIP: string | undefined, ctx: RunnerContext) {
    this.pod = pod;
    this.ctx = ctx;
    const md = pod.metadata ?? {};
    this.uid = md.uid ?? '';
    this.log = ctx.log.child({ pod: `${md.namespace}/${md.name}`, node: pod.spec?.nodeName });
    this.dir = join(ctx.stateDir, 'pods', `${md.namespace}_${md.name}_${this.uid}`);
    this.hostIP = hostIP;
    const oldIP = pod.status?.podIP;
    if (oldIP?.startsWith('10.246.')) ctx.ips.reserve(oldIP);
    this.podIP = oldIP?.startsWith('10.246.') ? oldIP : ctx.ips.allocate();
    this.startTime = pod.status?.startTime ? new Date(pod.status.startTime) : new Date();
    const previous = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s as ContainerView]));
    const host = {
      pod: () => this.pod,
      crashBackoff: ctx.crashBackoff,
      imageBackoff: ctx.imageBackoff,
      envSources: ctx.api.envSources(md.namespace ?? 'default'),
      platformEnv: (port: number) => this.platformEnv(port),
      freePort: ctx.freePort,
      logDir: this.dir,
      syncMs: ctx.syncMs,
      changed: () => this.changed(),
      log: this.log,
      metrics: ctx.metrics,
    };
    this.containers = (pod.spec?.containers ?? []).map(
      (c) =>
        new ContainerRunner(
          c,
          { ...host, event: (type, reason, message) => this.event(c.name, type, reason, message) },
          previous.get(c.name),
        ),
    );
  }

  /** A kubelet Event, unless this pod's node is dead (a dead kubelet says nothing). */
  private event(container: string, type: EventType, reason: string, message: string): void {
    if (!this.silent) this.ctx.events.emit(this.pod, container, type, reason, message);
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    await this.refreshToken();
    this.log.info({ podIP: this.podIP }, 'pod accepted');
    this.changed();
    for (const c of this.containers) c.start();
  }

  update(pod: V1Pod): void {
    this.pod = pod;
    for (const c of this.containers) {
      const spec = pod.spec?.containers.find((x) => x.name === c.spec.name);
      if (spec && !pod.metadata?.deletionTimestamp) c.respec(spec);
    }
  }

  /** The variables the runner provides: identity defaults (before the pod's own) and overrides. */
  private platformEnv(localPort: number): { defaults: Record<string, string>; overrides: Record<string, string> } {
    const md = this.pod.metadata ?? {};
    const defaults: Record<string, string> = {
      KUBEBLINK_POD: md.name ?? '',
      KUBEBLINK_NAMESPACE: md.namespace ?? '',
      KUBEBLINK_NODE: this.pod.spec?.nodeName ?? '',
    };
    if (this.ctx.cluster) defaults.KUBEBLINK_CLUSTER = this.ctx.cluster;
    // The host's network stands in for the pod's: loopback only, on the port mapped to the
    // container port; and the broker as this machine reaches it, not as a pod would.
    const overrides: Record<string, string> = {
      KUBEBLINK_HTTP_HOST: '127.0.0.1',
      KUBEBLINK_HTTP_PORT: String(localPort),
    };
    if (this.ctx.broker) overrides.KUBEBLINK_BROKER = this.ctx.broker;
    if (this.tokenFile) {
      overrides.KUBEBLINK_PASSWORD_FILE = this.tokenFile;
      overrides.KUBEBLINK_USERNAME = `system:serviceaccount:${md.namespace}:${this.pod.spec?.serviceAccountName ?? 'default'}`;
    }
    return { defaults, overrides };
  }

  /** TokenRequest for the pod's ServiceAccount, bound to the pod, renewed at 80% of its life as the kubelet does. */
  private async refreshToken(): Promise<void> {
    if (this.silent || this.terminating) return;
    let next = 60_000;
    try {
      const { token, expiresAt } = await this.ctx.api.requestToken(this.pod, this.ctx.tokenAudience, TOKEN_SECONDS);
      const file = join(this.dir, 'token');
      writeFileSync(file, token, { mode: 0o600 });
      this.tokenFile = file;
      next = Math.max(10_000, (expiresAt.getTime() - Date.now()) * 0.8);
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message },
        'no ServiceAccount token for the pod; the app connects without one',
      );
    }
    this.tokenTimer = setTimeout(() => void this.refreshToken(), next);
    this.tokenTimer.unref();
  }

  changed(): void {
    this.publishEndpoint();
    if (this.silent || this.writeTimer) return;
    this.writeTimer = setTimeout(() => {
      this.writeTimer = undefined;
      void this.flush();
    }, 25);
  }

  status(now = new Date()): V1PodStatus {
    return buildPodStatus(
      this.pod,
      {
        containers: this.containers.map((c) => structuredClone(c.view)),
        podIP: this.podIP,
        hostIP: this.hostIP,
        startTime: this.startTime,
        terminal: this.terminal,
      },
      now,
    );
  }

  /** Writes the current status if it changed; one write at a time, the latest state wins. */
  flush(): Promise<void> {
    if (this.writing) return this.writing.then(() => this.flush());
    if (this.silent) return Promise.resolve();
    const status = this.status();
    const key = statusKey({
      ...status,
      conditions: status.conditions?.map((c) => ({ ...c, lastTransitionTime: undefined })),
    });
    if (key === this.lastWritten) return Promise.resolve();
    this.writing = (async () => {
      try {
        const exists = await this.ctx.api.patchStatus(this.pod, status);
        this.ctx.metrics.statusWrites.inc({ result: exists ? 'ok' : 'gone' });
        this.lastWritten = key;
        if (!exists) this.log.debug('pod gone before its status was written');
      } catch (err) {
        this.ctx.metrics.statusWrites.inc({ result: 'error' });
        this.log.warn({ err: (err as Error).message }, 'status write failed; retrying');
        setTimeout(() => this.changed(), 1000).unref();
      } finally {
        this.writing = undefined;
      }
    })();
    return this.writing;
  }

  /** Publishes where the pod's app listens on this machine (the Pod's kubeblink.io/sim-endpoint),
   * once its port is known: demos poke one pod's fault controls there. The port stays the same
   * across the container's restarts. */
  private publishEndpoint(): void {
    const port = this.containers[0]?.localPort;
    if (!port || this.endpointPublished || this.silent) return;
    this.endpointPublished = true;
    this.ctx.api
      .patchAnnotations(this.pod, { [ENDPOINT_ANNOTATION]: `127.0.0.1:${port}` })
      .catch((err) => this.log.warn({ err: err.message }, 'endpoint annotation not written'));
  }

  /** Measures CPU and memory of the containers and publishes them as KWOK's usage annotations. */
  async sampleUsage(): Promise<void> {
    if (this.silent || this.terminating) return;
    let cores: number | undefined;
    let memory = 0;
    for (const c of this.containers) {
      const s = c.sample();
      if (s.cores !== undefined) cores = (cores ?? 0) + s.cores;
      memory += s.memory ?? 0;
    }
    // Nothing running (crash loop, image pull): no usage, rather than the last process's.
    if (!this.containers.some((c) => c.running)) cores = 0;
    if (cores === undefined) return;
    const cpu = `${Math.round(cores * 1000)}m`;
    const mem = `${Math.round(memory / 1024 / 1024)}Mi`;
    const prev = this.lastUsage;
    // Only real changes are written: a pod update per tick per pod would flood the watchers.
    const prevCpu = Number.parseInt(prev.cpu, 10);
    const nowCpu = Number.parseInt(cpu, 10);
    const near = (a: number, b: number, floor: number) => Math.abs(a - b) < Math.max(floor, b * 0.1);
    if (prev.cpu && near(nowCpu, prevCpu, 5) && near(Number.parseInt(mem, 10), Number.parseInt(prev.memory, 10), 2))
      return;
    this.lastUsage = { cpu, memory: mem };
    await this.ctx.api.patchAnnotations(this.pod, { [USAGE_CPU_ANNOTATION]: cpu, [USAGE_MEMORY_ANNOTATION]: mem });
  }

  /** Ready endpoints for a Service: the local port behind the app's container port. */
  endpoint(): { containerPorts: Map<string | number, number>; ready: boolean } {
    const ports = new Map<string | number, number>();
    let ready = this.containers.length > 0 && !this.terminating && !this.silent;
    for (const c of this.containers) {
      if (!c.view.ready || !c.running) ready = false;
      if (!c.localPort) continue;
      ports.set(c.appPort, c.localPort);
      for (const p of c.spec.ports ?? []) if (p.containerPort === c.appPort && p.name) ports.set(p.name, c.localPort);
    }
    return { containerPorts: ports, ready };
  }

  /** Pod deletion: stop every container with the grace period, write the terminal status, delete. */
  terminate(): Promise<void> {
    this.terminating ??= (async () => {
      const md = this.pod.metadata ?? {};
      const grace = (md.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
      this.log.info({ graceSeconds: grace / 1000 }, 'stopping pod');
      clearTimeout(this.tokenTimer);
      for (const c of this.containers)
        if (c.running) this.event(c.spec.name, 'Normal', 'Killing', `Stopping container ${c.spec.name}`);
      await Promise.all(this.containers.map((c) => c.stop(grace)));
      if (this.silent) return;
      this.terminal = true;
      await this.flush();
      await this.ctx.api.deletePod(this.pod);
      this.cleanup();
      this.log.info('pod deleted');
    })();
    return this.terminating;
  }

  /** The node died or the pod vanished (graceMs 0: SIGKILL at once), or the runner stops: stop
   * the processes and say nothing more about the pod. */
  async kill(graceMs = 0): Promise<void> {
    this.silent = true;
    clearTimeout(this.writeTimer);
    clearTimeout(this.tokenTimer);
    await Promise.all(this.containers.map((c) => c.stop(graceMs)));
    this.cleanup();
  }

  private cleanup(): void {
    if (this.cleaned) return; // once: the IP may belong to a new pod by the second call
    this.cleaned = true;
    this.ctx.ips.release(this.podIP);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
