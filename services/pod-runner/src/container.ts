// One container of one pod, played by the kubelet's rules, as a loop: "pull" the image
// (image-pull.ts), wait out the crash back-off (crash-backoff.ts), build its environment, start it
// as a local process with its probes (container-probes.ts), and when it ends restart it per
// restartPolicy; stopping it runs the preStop hook (container-stop.ts).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '@kubeblink/core';
import type { V1Container, V1ContainerStateTerminated, V1Pod } from '@kubernetes/client-node';
import { startProbes } from './container-probes.ts';
import { killContainer } from './container-stop.ts';
import { crashBackOff } from './crash-backoff.ts';
import {
  appPort,
  ContainerConfigError,
  containerEnv,
  type EnvSources,
  type PlatformEnv,
  processEnv,
  quantity,
} from './env.ts';
import type { EventType } from './events.ts';
import { pullImage } from './image-pull.ts';
import type { KubeletBackoff } from './kubelet-backoff.ts';
import { type ContainerView, kubeTime, lastStateAfterRestart, terminatedState } from './kubelet-pod-status.ts';
import type { ContainerProber } from './prober.ts';
import { ContainerProcess, commandLine, type Exit, abortableSleep as sleep } from './process.ts';
import type { RunnerMetrics } from './runner-metrics.ts';

export interface ContainerHost {
  pod(): V1Pod;
  crashBackoff: KubeletBackoff;
  imageBackoff: KubeletBackoff;
  envSources: EnvSources;
  /** What the runner sets over the pod's own variables: port, host, broker, token. */
  platformEnv(localPort: number): PlatformEnv;
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
    const before = lastStateAfterRestart(previous, new Date());
    if (before) {
      this.instances = 1;
      this.view.lastState = before;
      this.lastTerminated = before.terminated;
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

  private kill(proc: ContainerProcess, graceMs: number): Promise<void> {
    return killContainer(proc, this.spec, graceMs, (declared) => this.localPortOf(declared));
  }

  /** The app listens on one port (mapped to a local one); any other port has nothing behind it. */
  private localPortOf(declared: number | undefined): number {
    return declared === this.appPort ? this.localPort : 1;
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
    const waiting = (reason: string, message?: string) => this.waiting(reason, message);
    const event = this.host.event;
    while (!this.stopped) {
      const pull = pullImage(this.spec.image, this.key, {
        backoff: this.host.imageBackoff,
        syncMs: this.host.syncMs,
        waiting: (reason, message) => {
          this.view.image = this.spec.image ?? '';
          this.view.imageID = '';
          waiting(reason, message);
        },
        event,
      });
      if ('never' in pull) return;
      if ('retryInMs' in pull) {
        await sleep(pull.retryInMs, signal);
        continue;
      }
      this.view.image = pull.pulled.image;
      this.view.imageID = pull.pulled.imageID;
      const backOffMs = crashBackOff(this.spec.name, this.key, this.lastExit, {
        backoff: this.host.crashBackoff,
        pod,
        waiting,
        event,
      });
      if (backOffMs !== undefined) {
        await sleep(backOffMs, signal);
        continue;
      }
      if (this.stopped) return;
      const exit = await this.runOnce(pull.pulled.version);
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
    this.appPort = appPort(env, this.spec);
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
      this.lastTerminated = { ...terminatedState(exit, now, containerID), reason: 'StartError', message: cmd.error };
      this.set({ terminated: this.lastTerminated });
      this.host.event('Warning', 'Failed', `Error: failed to start container "${this.spec.name}": ${cmd.error}`);
      return exit;
    }
    const vars = processEnv(version, env, this.host.platformEnv(this.localPort));
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
    this.prober?.stop();
    this.proc = undefined;
    this.lastExit = exit;
    this.lastTerminated = terminatedState(exit, proc.startedAt, containerID, this.killReason);
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

  private startProbes(proc: ContainerProcess): void {
    const { log, metrics, event } = this.host;
    this.prober = startProbes({
      spec: this.spec,
      log,
      metrics,
      event,
      target: (declared) => {
        const d = declared ?? this.appPort;
        return { port: this.localPortOf(d), shown: `${this.host.pod().status?.podIP ?? '127.0.0.1'}:${d}` };
      },
      changed: () => this.updateReadiness(),
      current: () => this.proc === proc,
      kill: (graceMs) => void this.kill(proc, graceMs ?? this.podGraceMs()),
    });
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
    this.prober?.stop();
    if (this.proc) await this.kill(this.proc, graceMs);
    await this.done;
  }
}
