// One container of one pod, played by the kubelet's rules: "pull" the image (known: the demo app;
// otherwise ErrImagePull / ImagePullBackOff), build its environment, start it as a local process,
// probe it, and restart it per restartPolicy with the crash back-off (CrashLoopBackOff).
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import type { Logger } from '@kubeblink/core';
import type { V1Container, V1ContainerStateTerminated, V1Pod } from '@kubernetes/client-node';
import { goDuration, type KubeletBackoff } from './backoff.ts';
import { ContainerConfigError, containerEnv, type EnvSources, quantity } from './env.ts';
import { resolveImage } from './image.ts';
import type { RunnerMetrics } from './metrics.ts';
import { type ProbeKind, ProbeState, probePort, probeSpec, runProbe } from './probes.ts';
import { ContainerProcess, cpuSeconds, type Exit, rssBytes } from './process.ts';
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
}

/** The image's entrypoint is `kubeblink`, its default arguments `demo-app`. */
export function commandLine(c: V1Container): string[] | { error: string } {
  const cmd = c.command ?? [];
  const args = c.args ?? [];
  if (cmd.length === 0) return args.length ? args : ['demo-app'];
  const exe = basename(cmd[0] as string);
  if (exe === 'kubeblink') return [...cmd.slice(1), ...args];
  if (exe === 'node' && /kubeblink(\.js)?$/.test(cmd[1] ?? '')) return [...cmd.slice(2), ...args];
  return { error: `exec: "${cmd[0]}": executable file not found in $PATH` };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

export class ContainerRunner {
  spec: V1Container;
  readonly view: ContainerView;
  private readonly host: ContainerHost;
  private readonly uid: string;
  private readonly abort = new AbortController();
  private proc: ContainerProcess | undefined;
  private probes: Partial<Record<ProbeKind, ProbeState>> = {};
  private probeTimers: NodeJS.Timeout[] = [];
  private lastExit: Exit | undefined;
  private lastTerminated: V1ContainerStateTerminated | undefined;
  private instances = 0;
  private killReason: 'OOMKilled' | undefined;
  private cpuMark: { at: number; cpu: number } | undefined;
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
          return;
        }
        if (this.host.imageBackoff.inBackOffSinceUpdate(this.key)) {
          this.waiting('ImagePullBackOff', `Back-off pulling image "${this.spec.image}"`);
          await sleep(this.host.imageBackoff.remainingSinceUpdate(this.key), signal);
          continue;
        }
        this.host.imageBackoff.next(this.key);
        this.waiting('ErrImagePull', img.message);
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
    const proc = new ContainerProcess(cmd, vars, join(this.host.logDir, `${this.spec.name}.log`));
    this.proc = proc;
    this.killReason = undefined;
    this.cpuMark = undefined;
    this.view.ready = false;
    this.view.started = false;
    this.set({ running: { startedAt: kubeTime(proc.startedAt) } });
    this.host.metrics.starts.inc();
    this.host.log.info({ container: this.spec.name, pid: proc.pid, port: this.localPort }, 'container started');
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
    this.probes = {};
    for (const kind of ['startup', 'liveness', 'readiness'] as const) {
      const spec = probeSpec(this.spec[`${kind}Probe`]);
      if (!spec) continue;
      const state = new ProbeState(kind, spec);
      this.probes[kind] = state;
      const tick = () => void this.probe(proc, state);
      const first = setTimeout(() => {
        tick();
        this.probeTimers.push(setInterval(tick, spec.periodMs));
      }, spec.initialDelayMs);
      this.probeTimers.push(first);
    }
  }

  private stopProbes(): void {
    for (const t of this.probeTimers) clearTimeout(t);
    this.probeTimers = [];
  }

  private async probe(proc: ContainerProcess, state: ProbeState): Promise<void> {
    if (!proc.running || state.onHold) return;
    const startup = this.probes.startup;
    if (state.kind === 'startup' && this.view.started) return;
    if (state.kind !== 'startup' && startup && startup.result !== 'success') return;
    const action = state.spec.action;
    const declared = action.kind === 'unsupported' ? this.appPort : probePort(action.port, this.spec);
    // The app listens on one port (mapped to a local one); any other port has nothing behind it.
    const port = declared === this.appPort ? this.localPort : 1;
    const ok = await runProbe(action, port, state.spec.timeoutMs);
    if (!proc.running || this.proc !== proc) return;
    if (!ok) this.host.metrics.probeFailures.inc({ probe: state.kind });
    if (!state.observe(ok)) return;
    if (state.kind === 'readiness' || (state.kind === 'startup' && state.result === 'success')) {
      this.updateReadiness();
      return;
    }
    if (state.result === 'failure') {
      const grace = state.spec.terminationGraceMs ?? this.podGraceMs();
      this.host.log.info(
        { container: this.spec.name, probe: state.kind },
        `container failed ${state.kind} probe, will be restarted`,
      );
      void this.kill(proc, grace);
    }
  }

  private updateReadiness(): void {
    const running = this.proc?.running === true;
    const started = running && (this.probes.startup ? this.probes.startup.result === 'success' : true);
    const ready = started && (this.probes.readiness ? this.probes.readiness.result === 'success' : true);
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
    const pid = this.proc?.running ? this.proc.pid : undefined;
    if (pid === undefined) return {};
    const cpu = cpuSeconds(pid);
    const memory = rssBytes(pid);
    const limit = quantity(this.spec.resources?.limits?.memory);
    if (limit !== undefined && memory !== undefined && memory > limit) {
      this.killReason = 'OOMKilled';
      this.proc?.signal('SIGKILL');
    }
    if (cpu === undefined) return { memory };
    const now = performance.now();
    const prev = this.cpuMark;
    this.cpuMark = { at: now, cpu };
    if (!prev || now <= prev.at) return { memory };
    return { cores: (cpu - prev.cpu) / ((now - prev.at) / 1000), memory };
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
