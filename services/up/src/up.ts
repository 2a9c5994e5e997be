// `kubeblink up` (npm start): every part in one process and one Controller, started in this order
// and stopped in reverse — screen, cluster (simulated by default), broker, pod runner, HTTP (/leds),
// one virtual LED board per node, the watcher, the screen's bus reader, the demo app and its
// request stream. Ctrl-C deletes the demo app, stops what up started (the simulated cluster only if
// this run started it) and restores the terminal.
import { Controller, freePort, type Logger } from '@kubeblink/core';
import { simDefaultStateDir } from '@kubeblink/kube/plain';
import type { UpSettings } from '@kubeblink/schemas';
import { BrokerComponent } from './broker-component.ts';
import { ClusterComponent } from './cluster-component.ts';
import { DemoAppComponent, LoadComponent } from './demo-app.ts';
import { StartGuard } from './guard.ts';
import { BoardsComponent } from './led-boards.ts';
import { LedsHttp } from './leds-http.ts';
import { LoopingRecording } from './looping.ts';
import { appNamespaces } from './paths.ts';
import { RunnerComponent } from './pod-runner-daemon.ts';
import { ReadyGate } from './ready-gate.ts';
import { Screen } from './screen.ts';
import { ScreenBus } from './screen-bus.ts';
import { nextSteps } from './steps.ts';
import { RunSummary } from './summary.ts';
import { BusTail } from './tail.ts';
import { UpLog } from './up-log.ts';
import type { BoardView, ViewModel } from './view.ts';
import { WatcherComponent } from './watcher-component.ts';
import { WorkDir } from './work-dir.ts';

export interface UpIo {
  out: NodeJS.WritableStream;
  mode: 'live' | 'lines';
  /** The output went away (a closed terminal): see Screen. */
  onGone?: () => void;
}

/** The parts of `kubeblink up`, wired together; the picture and the next steps read from them. */
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
  readonly screenBus: ScreenBus;
  readonly tail: BusTail;
  readonly demo: DemoAppComponent;
  readonly load: LoadComponent;
  readonly http: LedsHttp;
  private readonly summary: RunSummary;
  private readonly readyGate: ReadyGate;
  phase = 'starting';

  constructor(settings: UpSettings, io: UpIo) {
    const upLog = new UpLog(settings.logFile, settings.logLevel);
    const log = upLog.log;
    const runtime = (service: string, instance: string) => upLog.runtime(service, instance);
    const rtUp = runtime('up', 'up');
    const dir = new WorkDir();
    const c = settings.cluster;
    this.log = log;
    this.logFile = upLog.file;
    this.controller = new Controller(log);
    this.guard = new StartGuard(log);
    this.screen = new Screen({ out: io.out, mode: io.mode, model: () => this.model(), onGone: io.onGone });
    const progress = (line: string) => {
      this.phase = line;
      log.info({ phase: line }, 'progress');
      this.screen.print(`» ${line}`);
    };
    this.cluster = new ClusterComponent({
      context: settings.context,
      kubeconfig: settings.kubeconfig,
      recording: settings.recording,
      nodes: settings.nodes,
      simStateDir: settings.simStateDir,
      dir: dir.path,
      log,
      progress,
    });
    const isSim = () => this.cluster.choice?.kind === 'sim';
    this.broker = new BrokerComponent({
      dir: dir.path,
      port: settings.port,
      wsPort: settings.wsPort,
      log: runtime('broker', 'up-broker').log,
      registry: rtUp.registry,
      tokenKubeconfig: () => (isSim() ? this.cluster.kubeconfig : undefined),
      appNamespaces: appNamespaces(),
    });
    const brokerUrl = () => this.broker.url;
    this.runner = new RunnerComponent({
      sim: () => this.cluster.sim,
      broker: brokerUrl,
      cluster: c,
      dir: dir.path,
      logFile: upLog.beside('up-pod-runner.log'),
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
      runtime,
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
      runtime,
    });
    this.screenBus = new ScreenBus({
      url: brokerUrl,
      cluster: c,
      creds: this.broker.creds.tail,
      rt: runtime('up-screen', 'up-screen'),
    });
    this.tail = new BusTail({
      subscribe: (filter, handler) => this.screenBus.subscribe(filter, handler),
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
    this.http = new LedsHttp({
      port: settings.httpPort,
      registry: rtUp.registry,
      log,
      ready: () => this.running,
      leds: () => ({
        cluster: c,
        source: this.cluster.choice?.kind ?? null,
        clusterStatus: this.tail.clusterStatus,
        firstLitMs: this.firstLitMs ?? null,
        boards: this.boards.services.map((s) => s.picture()),
      }),
    });
    this.readyGate = new ReadyGate({
      whenReady: () => this.runner.whenReady(),
      onReady: () => {
        this.phase = '';
        for (const l of nextSteps(this.stepsInput())) this.screen.print(l);
      },
    });
    this.summary = new RunSummary({
      boards: () => this.boards.services,
      log,
      logFile: this.logFile,
      print: (l) => this.screen.print(l),
      after: (l) => this.screen.after(l),
    });
    // Stopped in reverse: the parts, then the work directory, then the summary's last line, then
    // the guard (a start still in flight), the screen last.
    this.controller.add(this.screen);
    this.controller.add(this.guard);
    this.controller.add(this.summary);
    this.controller.add(dir);
    for (const comp of [
      this.cluster,
      this.broker,
      this.runner,
      this.http,
      this.boards,
      this.watcher,
      this.screenBus,
      this.tail,
      this.demo,
      this.load,
      this.readyGate,
    ])
      this.controller.add(this.guard.wrap(comp));
  }

  /** up runs: everything started and the pod runner it started is ready. */
  get running(): boolean {
    return this.readyGate.running;
  }

  /** ms after process start when a pod's LED first lit. */
  get firstLitMs(): number | undefined {
    return this.summary.firstLitMs;
  }

  /** The simulated cluster's own kubectl and kubeconfig, or the user's kubeconfig and context. */
  private kubectlTarget() {
    const ch = this.cluster.choice;
    if (ch?.kind === 'sim')
      return {
        kubeconfig: this.cluster.kubeconfig,
        bin: this.cluster.sim?.kubectl,
        discovered: this.cluster.sim?.stateDir === simDefaultStateDir(),
      };
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
    const lit = this.firstLitMs !== undefined ? `first LED after ${(this.firstLitMs / 1000).toFixed(1)} s · ` : '';
    return {
      title: `kubeblink up · ${this.cluster.description || 'starting'}`,
      notice: this.cluster.notice,
      clusterStatus: this.tail.clusterStatus,
      phase: this.phase,
      boards,
      events: this.tail.events,
      footer: this.running
        ? nextSteps(this.stepsInput(), { short: true }).concat(
            `${lit}${this.tail.requests} requests · Ctrl-C stops everything up started`,
          )
        : [`log: ${this.logFile} · Ctrl-C stops what has started`],
    };
  }
}
