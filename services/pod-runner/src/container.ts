// One container of one pod, played by the kubelet's rules: "pull" the image (known: the demo app;
// otherwise ErrImagePull / ImagePullBackOff), build its environment, start it as a local process,
// probe it, and restart it per restartPolicy with the crash back-off (CrashLoopBackOff).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '@kubeblink/core';
import type { V1Container, V1ContainerStateTerminated, V1Pod } from '@kubernetes/client-node';
import { ContainerConfigError, containerEnv, type EnvSources, quantity } from './env.ts';
import type { EventType } from './events.ts';
import { resolveImage } from './image.ts';
import { goDuration, type KubeletBackoff } from './kubelet-backoff.ts';
import { ContainerProber } from './prober.ts';
import { probePort, probeSpec, runProbe } from './probes.ts';
import { ContainerProcess, commandLine, type Exit, abortableSleep as sleep } from './process.ts';
import type { RunnerMetrics } from './runner-metrics.ts';
import { type ContainerView, kubeTime } from './status.ts';

export interface ContainerHost {
  pod(): V1Pod;
  crashBackoff: KubeletBackoff;
  imageBackoff: KubeletBackoff;
  envSources: EnvSources;
  /** What the runner sets over the pod's own variables: port, host, broker, token. */
  platformEnv(localPort: number): { defaults: Record<string, string>; overrides: Record<string, string> };
  freePort(): Promise<number>;
  logDir: string;
  /** How long an ErrImagePull shows before the next sync reports ImagePullBackOff. */
  syncMs: number;
  changed(): void;
  log: Logger;
  metrics: RunnerMetrics;
  /** Records a kubelet Event about this container. */
  event(type: EventType, reason: string, message: string): void;
}

export class ContainerRunner {
  spec: V1Container;
  readonly view: ContainerView;
  private readonly host: ContainerHost;
  private readonly uid: string;
  private readonly abort = new AbortController();
  private proc: ContainerProcess | undefined;
  private prober: ContainerProber | undefined;
  private lastExit: Exit | undefined;
  private lastTerminated: V1ContainerStateTerminated | undefined;
  private instances = 0;
  private killReason: 'OOMKilled' | undefined;
  localPort = 0;
  appPort = 8080;
  stopped = false;
  done: Promise<void> | undefined;

  constructor(spec: V1Container, host: ContainerHost, previous?: ContainerView) {
    this.spec = spec;
    this.host = host;
    const pod = host.pod();
    this.uid = pod.metadata?.uid ?? '';
    this.view = {
      name: spec.name,
      image: spec.image ?? '',
      imageID: '',
      state: { waiting: { reason: 'ContainerCreating' } },
      ready: false,
      started: false,
      restartCount: previous?.restartCount ?? 0,
    };
    // A runner (or node) restart finds the previous instance gone, as a kubelet after a reboot.
    if (previous && (previous.state.running || previous.state.terminated || previous.lastState?.terminated)) {
      this.instances = 1;
      this.view.lastState = previous.state.running
        ? {
            terminated: {
              exitCode: 255,
              reason: 'Unknown',
              startedAt: previous.state.running.startedAt,
              finishedAt: kubeTime(new Date()),
            },
          }
        : previous.state.terminated
          ? { terminated: previous.state.terminated }
          : previous.lastState;
      this.lastTerminated = this.view.lastState?.terminated;
    }
  }

  /** The kubelet's back-off key: the container and its spec (here: its image, the one mutable
   * field), so a new image starts without the old one's back-off (kuberuntime getStableKey). */
  private get key(): string {
    return `${this.uid}/${this.spec.name}/${this.spec.image}`;
  }

  /** A new image in the pod spec: the kubelet stops the container and starts the new one. */
  respec(spec: V1Container): void {
    if (spec.image === this.spec.image) return;
    this.host.log.info({ container: spec.name, image: spec.image }, 'container image changed, will be restarted');
    this.host.event('Normal', 'Killing', `Container ${spec.name} definition changed, will be restarted`);
    this.spec = spec;
    if (this.proc) void this.kill(this.proc, this.podGraceMs());
  }

  private podGraceMs(): number {
    return (this.host.pod().spec?.terminationGracePeriodSeconds ?? 30) * 1000;
  }

  /** killContainer: the preStop hook (HTTP or sleep) within the grace period, then SIGTERM, and
   * SIGKILL when the rest of the grace period is over (at least 2 s after the hook, as the kubelet). */
  private async kill(proc: ContainerProcess, graceMs: number): Promise<void> {
    const started = Date.now();
    const hook = this.spec.lifecycle?.preStop;
    if (graceMs > 0 && hook?.httpGet) {
      const action = probeSpec({ httpGet: hook.httpGet })?.action;
      const port = probePort(hook.httpGet.port as number | string, this.spec) === this.appPort ? this.localPort : 1;
      if (action) await runProbe(action, port, graceMs);
    } else if (graceMs > 0 && hook?.sleep) {
      await new Promise((r) => setTimeout(r, Math.min(hook.sleep?.seconds ?? 0, graceMs / 1000) * 1000));
    }
    const left = hook && graceMs > 0 ? Math.max(2000, graceMs - (Date.now() - started)) : graceMs;
    await proc.stop(left);
  }

  start(): void {
    this.done = this.run().catch((err) =>
      this.host.log.error({ err, container: this.spec.name }, 'container loop failed'),
    );
  }

  private set(state: ContainerView['state']): void {
    this.view.state = state;
    this.host.changed();
  }

  private waiting(reason: string, message?: string): void {
    this.view.ready = false;
    this.view.started = false;
    this.set({ waiting: message ? { reason, message } : { reason } });
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const pod = () => this.host.pod();
    while (!this.stopped) {
      const img = resolveImage(this.spec.image ?? '');
      if (!img.ok) {
        this.view.image = this.spec.image ?? '';
        this.view.imageID = '';
        if (img.reason === 'InvalidImageName') {
          this.waiting('InvalidImageName', img.message);
          this.host.event('Warning', 'InspectFailed', img.message);
          this.host.event('Warning', 'Failed', 'Error: InvalidImageName');
          return;
        }
        if (this.host.imageBackoff.inBackOffSinceUpdate(this.key)) {
          this.waiting('ImagePullBackOff', `Back-off pulling image "${this.spec.image}"`);
          this.host.event('Normal', 'BackOff', `Back-off pulling image "${this.spec.image}"`);
          this.host.event('Warning', 'Failed', 'Error: ImagePullBackOff');
          await sleep(this.host.imageBackoff.remainingSinceUpdate(this.key), signal);
          continue;
        }
        this.host.imageBackoff.next(this.key);
        this.host.event('Normal', 'Pulling', `Pulling image "${this.spec.image}"`);
        this.waiting('ErrImagePull', img.message);
        this.host.event('Warning', 'Failed', `Failed to pull image "${this.spec.image}": ${img.message}`);
        this.host.event('Warning', 'Failed', 'Error: ErrImagePull');
        await sleep(this.host.syncMs, signal);
        continue;
      }
      this.view.image = img.image;
      this.view.imageID = img.imageID;
      const last = this.lastExit;
      if (last && this.host.crashBackoff.inBackOffSince(this.key, last.at.getTime())) {
        const p = pod().metadata;
        this.waiting(
          'CrashLoopBackOff',
          `back-off ${goDuration(this.host.crashBackoff.get(this.key))} restarting failed container=${this.spec.name} pod=${p?.name}_${p?.namespace}(${p?.uid})`,
        );
        this.host.event(
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${this.spec.name} in pod ${p?.name}_${p?.namespace}(${p?.uid})`,
        );
        await sleep(this.host.crashBackoff.remaining(this.key, last.at.getTime()), signal);
        continue;
      }
      if (last) this.host.crashBackoff.next(this.key, last.at.getTime());
      if (this.stopped) return;
      const exit = await this.runOnce(img.version);
      if (!exit) {
        await sleep(this.host.syncMs, signal); // config error: retried at the next sync
        continue;
      }
      const policy = pod().spec?.restartPolicy ?? 'Always';
      if (this.stopped || policy === 'Never' || (policy === 'OnFailure' && exit.exitCode === 0)) return;
    }
  }

  /** Starts one instance and waits for it to end; undefined if it could not be configured. */
  private async runOnce(version: string): Promise<Exit | undefined> {
    const pod = this.host.pod();
    let env: Map<string, string>;
    try {
      env = await containerEnv(pod, this.spec, this.host.envSources);
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      this.waiting('CreateContainerConfigError', err.message);
      this.host.event('Warning', 'Failed', `Error: ${err.message}`);
      return undefined;
    }
    const declared = Number(env.get('KUBEBLINK_HTTP_PORT'));
    this.appPort =
      Number.isInteger(declared) && declared > 0 ? declared : (this.spec.ports?.[0]?.containerPort ?? 8080);
    this.localPort ||= await this.host.freePort();
    const cmd = commandLine(this.spec);
    const containerID = `kubeblink-sim://${randomBytes(32).toString('hex')}`;
    if (this.instances > 0) this.view.restartCount++;
    this.instances++;
    if (this.lastTerminated) this.view.lastState = { terminated: this.lastTerminated };
    this.view.containerID = containerID;
    if (!Array.isArray(cmd)) {
      // As a runtime that cannot exec the entrypoint: StartError, exit code 128.
      const now = new Date();
      const exit = { exitCode: 128, at: now };
      this.lastExit = exit;
      this.lastTerminated = { ...this.terminated(exit, now, containerID), reason: 'StartError', message: cmd.error };
      this.set({ terminated: this.lastTerminated });
      this.host.event('Warning', 'Failed', `Error: failed to start container "${this.spec.name}": ${cmd.error}`);
      return exit;
    }
    const platform = this.host.platformEnv(this.localPort);
    const vars: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KUBEBLINK_APP_VERSION: version, // the image's own ENV: the pod's env may override it
      ...platform.defaults,
      ...Object.fromEntries(env),
      ...platform.overrides,
    };
    this.host.event('Normal', 'Pulled', `Container image "${this.spec.image}" already present on machine`);
    this.host.event('Normal', 'Created', `Created container: ${this.spec.name}`);
    const proc = new ContainerProcess(cmd, vars, join(this.host.logDir, `${this.spec.name}.log`));
    this.proc = proc;
    this.killReason = undefined;
    this.view.ready = false;
    this.view.started = false;
    this.set({ running: { startedAt: kubeTime(proc.startedAt) } });
    this.host.metrics.starts.inc();
    this.host.log.info({ container: this.spec.name, pid: proc.pid, port: this.localPort }, 'container started');
    this.host.event('Normal', 'Started', `Started container ${this.spec.name}`);
    this.startProbes(proc);
    this.updateReadiness();
    const exit = await proc.exited;
    this.stopProbes();
    this.proc = undefined;
    this.lastExit = exit;
    this.lastTerminated = this.terminated(exit, proc.startedAt, containerID);
    this.view.ready = false;
    this.view.started = false;
    this.set({ terminated: this.lastTerminated });
    this.host.metrics.exits.inc({ reason: this.lastTerminated.reason });
    this.host.log.info(
      { container: this.spec.name, exitCode: exit.exitCode, reason: this.killReason },
      'container exited',
    );
    return exit;
  }

  private terminated(e: Exit, startedAt: Date, containerID: string): V1ContainerStateTerminated {
    return {
      exitCode: e.exitCode,
      reason: this.killReason ?? (e.exitCode === 0 ? 'Completed' : 'Error'),
      startedAt: kubeTime(startedAt),
      finishedAt: kubeTime(e.at),
      containerID,
    };
  }

  private startProbes(proc: ContainerProcess): void {
    this.prober = new ContainerProber(this.spec, {
      target: (declared) => {
        const d = declared ?? this.appPort;
        // The app listens on one port (mapped to a local one); any other port has nothing behind it.
        return {
          port: d === this.appPort ? this.localPort : 1,
          shown: `${this.host.pod().status?.podIP ?? '127.0.0.1'}:${d}`,
        };
      },
      failed: (kind, message) => {
        this.host.metrics.probeFailures.inc({ probe: kind });
        this.host.event('Warning', 'Unhealthy', message);
      },
      changed: () => this.updateReadiness(),
      unsupported: (kind, what) =>
        this.host.log.warn(
          { container: this.spec.name, probe: kind },
          `${what} probes are not run by the simulation: taken as passing`,
        ),
      kill: (kind, graceMs) => {
        if (this.proc !== proc) return;
        this.host.log.info(
          { container: this.spec.name, probe: kind },
          `container failed ${kind} probe, will be restarted`,
        );
        this.host.event('Normal', 'Killing', `Container ${this.spec.name} failed ${kind} probe, will be restarted`);
        void this.kill(proc, graceMs ?? this.podGraceMs());
      },
    });
  }

  private stopProbes(): void {
    this.prober?.stop();
  }

  private updateReadiness(): void {
    const running = this.proc?.running === true;
    const started = running && (this.prober?.started ?? true);
    const ready = running && (this.prober?.ready ?? true);
    if (started !== this.view.started || ready !== this.view.ready) {
      this.view.started = started;
      this.view.ready = ready;
      this.host.changed();
    }
  }

  get running(): boolean {
    return this.proc?.running === true;
  }

  get pid(): number | undefined {
    return this.proc?.running ? this.proc.pid : undefined;
  }

  /** CPU cores used since the previous sample (undefined on the first), and enforces the memory
   * limit as the kernel's OOM killer would. */
  sample(): { cores?: number; memory?: number } {
    const proc = this.proc?.running ? this.proc : undefined;
    if (!proc) return {};
    const u = proc.usage();
    const limit = quantity(this.spec.resources?.limits?.memory);
    if (limit !== undefined && u.memory !== undefined && u.memory > limit) {
      this.killReason = 'OOMKilled';
      proc.signal('SIGKILL');
    }
    return u;
  }

  /** Stops for good: SIGTERM, SIGKILL after `graceMs` (0: SIGKILL at once, as a node dying). */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.stopProbes();
    if (this.proc) await this.kill(this.proc, graceMs);
    await this.done;
  }
}
