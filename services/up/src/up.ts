// `kubeblink up` (npm start): every part in one process and one Controller, started in this order
// and stopped in reverse — screen, cluster (simulated by default), broker, pod runner, HTTP (/leds),
// one virtual LED board per node, the watcher, the screen's bus reader, the demo app and its
// request stream. Ctrl-C deletes the demo app, stops what up started (the simulated cluster only if
// this run started it) and restores the terminal.
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BusClient,
  Controller,
  createLogger,
  HealthServer,
  type Logger,
  runUntilSignal,
  sendJson,
  VERSION,
} from '@kubeblink/core';
import type { UpSettings } from '@kubeblink/schemas';
import { BrokerComponent } from './broker.ts';
import { ClusterComponent } from './cluster.ts';
import { DemoAppComponent, LoadComponent } from './demo-app.ts';
import { StartGuard } from './guard.ts';
import { LoopingRecording } from './looping.ts';
import { RunnerComponent } from './runner.ts';
import { Screen } from './screen.ts';
import { BoardsComponent, runtime, WatcherComponent } from './services.ts';
import { nextSteps } from './steps.ts';
import { BusTail } from './tail.ts';
import type { BoardView, ViewModel } from './view.ts';

export interface UpIo {
  out: NodeJS.WritableStream;
  mode: 'live' | 'lines';
}

/** Namespaces whose pods may log in as apps: the demo app's, and each guided demo's own
 * (`kubeblink demo NAME` uses kubeblink-demo-NAME, one folder per demo in deploy/demos). */
export function appNamespaces(demos = fileURLToPath(new URL('../../../deploy/demos/', import.meta.url))): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(demos, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `kubeblink-demo-${d.name}`);
  } catch {
    // no demos in this checkout
  }
  return ['default', 'kubeblink-demo', ...names.sort()];
}

export function defaultLogFile(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'kubeblink', 'up.log');
}

export class Up {
  readonly controller: Controller;
  readonly guard: StartGuard;
  readonly log: Logger;
  readonly logFile: string;
  readonly screen: Screen;
  readonly cluster: ClusterComponent;
  readonly broker: BrokerComponent;
  readonly runner: RunnerComponent;
  readonly boards: BoardsComponent;
  readonly watcher: WatcherComponent;
  readonly tail: BusTail;
  readonly demo: DemoAppComponent;
  readonly load: LoadComponent;
  http: HealthServer;
  phase = 'starting';
  running = false;
  /** ms after process start when a pod's LED first lit (performance.now() counts from process start). */
  firstLitMs: number | undefined;
  private litTimer: NodeJS.Timeout | undefined;

  constructor(settings: UpSettings, io: UpIo) {
    const dir = mkdtempSync(join(tmpdir(), 'kubeblink-up-'));
    this.logFile = settings.logFile ?? defaultLogFile();
    mkdirSync(dirname(this.logFile), { recursive: true });
    const logTo = createWriteStream(this.logFile, { flags: 'w' });
    const level = settings.logLevel;
    this.log = createLogger({ service: 'up', level, format: 'json', destination: logTo });
    const rtUp = runtime('up', 'up', logTo, level);
    const log = this.log;
    this.controller = new Controller(log);
    this.guard = new StartGuard(log);
    this.screen = new Screen({ out: io.out, mode: io.mode, model: () => this.model() });
    const progress = (line: string) => {
      this.phase = line;
      log.info({ phase: line }, 'progress');
      this.screen.print(`» ${line}`);
    };
    const c = settings.cluster;
    this.cluster = new ClusterComponent({
      context: settings.context,
      kubeconfig: settings.kubeconfig,
      recording: settings.recording,
      nodes: settings.nodes,
      simStateDir: settings.simStateDir,
      dir,
      log,
      progress,
    });
    const isSim = () => this.cluster.choice?.kind === 'sim';
    this.broker = new BrokerComponent({
      dir,
      port: settings.port,
      wsPort: settings.wsPort,
      log: runtime('broker', 'up-broker', logTo, level).log,
      registry: rtUp.registry,
      tokenKubeconfig: () => (isSim() ? this.cluster.kubeconfig : undefined),
      appNamespaces: appNamespaces(),
    });
    const brokerUrl = () => this.broker.url;
    this.runner = new RunnerComponent({
      sim: () => this.cluster.sim,
      broker: brokerUrl,
      cluster: c,
      dir,
      logFile: join(dir, 'pod-runner.log'),
      log,
      progress,
      httpPort: freePort,
    });
    this.boards = new BoardsComponent({
      nodes: () => this.cluster.nodes,
      broker: brokerUrl,
      creds: this.broker.creds.led,
      cluster: c,
      layout: settings.layout,
      logTo,
      logLevel: level,
    });
    this.watcher = new WatcherComponent({
      broker: brokerUrl,
      creds: this.broker.creds.watcher,
      cluster: c,
      kubeconfig: () => this.cluster.kubeconfig,
      recording: () => {
        const ch = this.cluster.choice;
        if (ch?.kind !== 'recording') return undefined;
        return new LoopingRecording({
          file: ch.file,
          speed: settings.speed,
          log,
          onRound: (n) => n > 1 && this.screen.print(`» the recording starts over (round ${n})`),
        });
      },
      logTo,
      logLevel: level,
    });
    const tailRt = runtime('up-screen', 'up-screen', logTo, level);
    let tailBus: BusClient | undefined;
    const tailBusComponent = {
      name: 'screen-bus',
      start: async () => {
        tailBus = new BusClient({
          url: brokerUrl(),
          cluster: c,
          instance: 'up-screen',
          identity: { kind: 'service', service: 'up', version: VERSION },
          role: 'reader',
          ...this.broker.creds.tail,
          log: tailRt.log,
          registry: tailRt.registry,
        });
        await tailBus.start();
      },
      stop: async () => tailBus?.stop(),
    };
    this.tail = new BusTail({
      subscribe: (filter, handler) => {
        if (!tailBus) throw new Error('the screen bus is not started');
        return tailBus.subscribe(filter, handler);
      },
      cluster: c,
      onLine: (l) => this.screen.print(l),
    });
    const kcIf = (ok: () => boolean) => () => (ok() ? this.cluster.kc : undefined);
    const deployable = () => settings.demoApp && this.cluster.choice?.kind !== 'recording';
    this.demo = new DemoAppComponent({ kc: kcIf(deployable), log, progress });
    this.load = new LoadComponent({
      kc: kcIf(() => deployable() && isSim()),
      rps: settings.rps,
      log,
      service: { namespace: 'default', name: 'kubeblink-demo-app' },
    });
    const httpServer = (port: number) =>
      new HealthServer({
        host: '127.0.0.1',
        port,
        registry: rtUp.registry,
        log,
        ready: () => this.running,
        routes: {
          '/leds': (_req, res) =>
            sendJson(res, {
              cluster: c,
              source: this.cluster.choice?.kind ?? null,
              clusterStatus: this.tail.clusterStatus,
              firstLitMs: this.firstLitMs ?? null,
              boards: this.boards.services.map((s) => s.picture()),
            }),
        },
      });
    this.http = httpServer(settings.httpPort);
    const httpFallback = {
      name: 'http',
      start: async () => {
        try {
          await this.http.start();
        } catch (err) {
          if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
          this.http = httpServer(0);
          await this.http.start();
        }
      },
      stop: () => this.http.stop(),
    };
    const ready = {
      name: 'ready',
      start: async () => {
        await this.runner.whenReady();
        this.running = true;
        this.phase = '';
        for (const l of nextSteps(this.stepsInput())) this.screen.print(l);
      },
      stop: async () => {
        this.running = false;
      },
    };
    const summary = {
      name: 'summary',
      start: async () => {
        this.litTimer = setInterval(() => this.checkLit(), 50);
      },
      stop: async () => {
        clearInterval(this.litTimer);
        rmSync(dir, { recursive: true, force: true });
        const lit =
          this.firstLitMs !== undefined
            ? `; the first LED lit ${(this.firstLitMs / 1000).toFixed(1)} s after start`
            : '';
        this.screen.after(`kubeblink up stopped everything it started${lit}. Log: ${this.logFile}`);
      },
    };
    this.controller.add(this.screen);
    this.controller.add(this.guard);
    this.controller.add(summary);
    for (const comp of [
      this.cluster,
      this.broker,
      this.runner,
      httpFallback,
      this.boards,
      this.watcher,
      tailBusComponent,
      this.tail,
      this.demo,
      this.load,
      ready,
    ])
      this.controller.add(this.guard.wrap(comp));
  }

  private checkLit(): void {
    if (this.firstLitMs !== undefined) {
      clearInterval(this.litTimer);
      return;
    }
    for (const s of this.boards.services) {
      const lit = s.picture().leds.find((l) => l.slot !== null && l.level > 0);
      if (lit) {
        this.firstLitMs = performance.now();
        const line = `first LED lit ${(this.firstLitMs / 1000).toFixed(1)} s after start (${s.picture().node} ${lit.id})`;
        this.log.info({ firstLitMs: this.firstLitMs, node: s.picture().node, led: lit.id }, 'first LED lit');
        this.screen.print(line);
        return;
      }
    }
  }

  /** The simulated cluster's own kubectl and kubeconfig, or the user's kubeconfig and context. */
  private kubectlTarget() {
    const ch = this.cluster.choice;
    if (ch?.kind === 'sim') return { kubeconfig: this.cluster.kubeconfig, bin: this.cluster.sim?.kubectl };
    if (ch?.kind === 'context') return { kubeconfig: ch.kubeconfig, context: ch.context };
    return undefined;
  }

  stepsInput() {
    return {
      description: this.cluster.description,
      broker: this.broker.url,
      wsUrl: this.broker.wsUrl,
      portNote: this.broker.portNote,
      kubectl: this.kubectlTarget(),
      leds: `http://127.0.0.1:${this.http.port}/leds`,
      logFile: this.logFile,
      warnings: [
        this.runner.warning,
        this.cluster.choice?.kind === 'context'
          ? 'a real cluster: its pods cannot reach this broker on 127.0.0.1, so LEDs show lifecycle only (no request/probe signals)'
          : '',
      ].filter(Boolean),
    };
  }

  model(): ViewModel {
    const boards: BoardView[] = this.boards.services.map((s) => {
      const p = s.picture();
      return {
        node: p.node,
        nodeStatus: this.tail.nodeStatus.get(p.node),
        stale: p.stale,
        slots: p.slots.map((x) => ({ index: x.index, pod: x.pod })),
        overflow: p.overflow.length,
        leds: p.leds.map((l) => ({ slot: l.slot, role: l.role, color: l.color, level: l.level })),
      };
    });
    const lit = this.firstLitMs !== undefined ? `first LED lit after ${(this.firstLitMs / 1000).toFixed(1)} s · ` : '';
    return {
      title: `kubeblink up · ${this.cluster.description || 'starting'}`,
      notice: this.cluster.notice,
      clusterStatus: this.tail.clusterStatus,
      phase: this.phase,
      boards,
      events: this.tail.events,
      footer: this.running
        ? nextSteps(this.stepsInput(), { short: true }).concat(
            `${lit}${this.tail.requests} requests seen · Ctrl-C stops everything up started`,
          )
        : [`log: ${this.logFile} · Ctrl-C stops what has started`],
    };
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** The command: live picture on a terminal, plain lines otherwise; exits 0 after Ctrl-C. */
export async function runUp(settings: UpSettings): Promise<void> {
  const tty = (process.stdout as { isTTY?: boolean }).isTTY === true;
  const mode = settings.render === 'auto' ? (tty ? 'live' : 'lines') : settings.render;
  const up = new Up(settings, { out: process.stdout, mode });
  let interrupted = false;
  const halt = () => {
    interrupted = true;
    up.guard.halt();
  };
  process.once('SIGINT', halt);
  process.once('SIGTERM', halt);
  // A closed terminal (SIGHUP) must not leave the simulated cluster and the demo app behind: it
  // takes the same way out as Ctrl-C.
  process.on('SIGHUP', () => process.kill(process.pid, 'SIGTERM'));
  // `npm start` killed with SIGTERM dies without passing it on: an orphaned up (its parent gone)
  // stops too, rather than running on unseen with the cluster and the demo app.
  const parent = process.ppid;
  const orphan = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(orphan); // once: a second signal would cut the clean-up short
    process.kill(process.pid, 'SIGTERM');
  }, 1000);
  orphan.unref();
  try {
    await runUntilSignal(up.controller, up.log);
  } catch (err) {
    // A start that failed (or was interrupted): wait until everything started is stopped again.
    await up.controller.stop();
    if (interrupted) process.exit(0);
    console.error(`kubeblink up: ${(err as Error).message}\n(log: ${up.logFile})`);
    process.exit(1);
  }
}
