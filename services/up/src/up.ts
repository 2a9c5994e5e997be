// `kubeblink up` (npm start): every part in one process and one Controller, started in this order
// and stopped in reverse — screen, cluster (simulated by default), broker, pod runner, HTTP (/leds),
// one virtual LED board per node, the watcher, the screen's bus reader, the demo app and its
// request stream. Ctrl-C deletes the demo app, stops what up started (the simulated cluster only if
// this run started it) and restores the terminal.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  BusClient,
  Controller,
  createLogger,
  freePort,
  HealthServer,
  type Logger,
  sendJson,
  VERSION,
} from '@kubeblink/core';
import type { UpSettings } from '@kubeblink/schemas';
import { BrokerComponent } from './broker.ts';
import { ClusterComponent } from './cluster-component.ts';
import { DemoAppComponent, LoadComponent } from './demo-app.ts';
import { StartGuard } from './guard.ts';
import { LoopingRecording } from './looping.ts';
import { appNamespaces, defaultLogFile } from './paths.ts';
import { RunnerComponent } from './pod-runner-daemon.ts';
import { Screen } from './screen.ts';
import { nextSteps } from './steps.ts';
import { BusTail } from './tail.ts';
import type { BoardView, ViewModel } from './view.ts';
import { BoardsComponent, runtime, WatcherComponent } from './watcher-component.ts';

export interface UpIo {
  out: NodeJS.WritableStream;
  mode: 'live' | 'lines';
  /** The output went away (a closed terminal): see Screen. */
  onGone?: () => void;
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
    this.screen = new Screen({ out: io.out, mode: io.mode, model: () => this.model(), onGone: io.onGone });
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
      // Beside up's own log: it outlives the run, for a runner that failed.
      logFile: join(dirname(this.logFile), 'up-pod-runner.log'),
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
