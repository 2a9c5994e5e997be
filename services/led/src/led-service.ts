// The LED service: one node's pods on a board. Components, started in this order and stopped in
// reverse: the board (johnny-five driver), the bus (clean session, role reader), the subscriptions
// feeding the engine (only its node's topics and the cluster status), and the HTTP server
// (/healthz, /readyz, /metrics, /leds). SIGTERM: HTTP and bus close, then every LED off, GPIO released.
import {
  type BusClient,
  busFromSettings,
  type Component,
  Controller,
  filters,
  gauge,
  type HealthServer,
  healthServerFromSettings,
  runUntilSignal,
  type ServiceRuntime,
  sendJson,
  serviceRuntime,
  VERSION,
} from '@kubeblink/core';
import type { MessageHandlers } from '@kubeblink/kit';
import { subscribeBus } from '@kubeblink/kit/bus';
import { LayoutError, LedEngine, type LedSnapshot, SelectorError } from '@kubeblink/led-engine';
import type { LedSettings } from '@kubeblink/schemas';
import { resolveBoard } from './boards/board-registry.ts';
import { type BoardBackend, type BoardContext, BoardError } from './boards/board-types.ts';
import { LedDriver } from './driver.ts';
import { list, loadLayout } from './layout-file.ts';

export interface LedServiceOptions {
  settings: LedSettings;
  rt?: ServiceRuntime;
  /** Tests: fake native packages, another device-tree model file, an output for the terminal picture. */
  board?: Partial<BoardContext>;
}

export interface LedPicture extends LedSnapshot {
  node: string;
  cluster: string;
  board: string;
  /** What each pin is driven to (0..1; inverted for active-low LEDs), as last written. */
  pins: Record<string, number>;
}

export class LedService {
  readonly controller: Controller;
  readonly engine: LedEngine;
  readonly driver: LedDriver;
  readonly backend: BoardBackend;
  readonly bus: BusClient;
  readonly http: HealthServer;
  readonly rt: ServiceRuntime;
  private readonly settings: LedSettings;
  private readonly clock = () => performance.now();

  private constructor(settings: LedSettings, rt: ServiceRuntime, engine: LedEngine, backend: BoardBackend) {
    this.settings = settings;
    this.rt = rt;
    this.engine = engine;
    this.backend = backend;
    const { log, registry } = rt;
    this.controller = new Controller(log);
    this.driver = new LedDriver({
      engine,
      backend,
      fps: settings.fps,
      log: log.child({ module: 'driver' }),
      registry,
    });
    this.bus = busFromSettings(settings, rt, {
      role: 'reader',
      identity: { kind: 'service', service: 'led', version: VERSION, node: settings.node },
    });
    this.http = healthServerFromSettings(settings, rt, {
      ready: () => this.driver.ready,
      routes: { '/leds': (_req, res) => sendJson(res, this.picture()) },
    });
    this.bus.onConnect(() => {
      engine.setConnected(true, this.clock());
      this.driver.poke();
    });
    this.bus.onDisconnect(() => {
      engine.setConnected(false, this.clock());
      this.driver.poke();
    });
    this.controller.add(this.driver);
    this.controller.add(this.bus);
    this.controller.add(this.subscriptions());
    this.controller.add(this.http);
  }

  /**
   * Subscribes once the bus is started: the BusClient remembers the filters and subscribes them on
   * every connect (clean session: the broker forgot them, MQTT 3.1.1 section 3.1.2.4). Only this
   * node's topics: a Pi never receives other nodes' traffic.
   */
  private subscriptions(): Component {
    const { cluster, node } = this.settings;
    const subscriptions = [
      { filter: filters.node(cluster, node), qos: 1 as const },
      { filter: filters.clusterStatus(cluster), qos: 1 as const },
    ];
    const handlers = this.engineHandlers();
    return {
      name: 'subscriptions',
      start: () => subscribeBus(this.bus, subscriptions, handlers),
      stop: async () => {},
    };
  }

  /** What each kind of message does to the engine; the driver is poked to draw the change. */
  private engineHandlers(): MessageHandlers {
    const { engine } = this;
    const pods = gauge(this.rt.registry, 'kubeblink_led_pods', 'Pods shown (in a slot) and waiting for a slot', [
      'where',
    ]);
    const update = (apply: (now: number) => void): void => {
      apply(this.clock());
      this.driver.poke();
    };
    return {
      podState: (m) => {
        const now = this.clock();
        if (m.payload) engine.setPod(m.payload, now);
        else engine.removePod(m.parts.namespace, m.parts.pod, now);
        this.driver.poke();
        const snap = engine.snapshot(now);
        pods.set({ where: 'slot' }, snap.slots.filter((s) => s.pod).length);
        pods.set({ where: 'overflow' }, snap.overflow.length);
      },
      nodeState: (m) => update((now) => engine.setNodeState(m.payload, now)),
      nodeEvents: (m) => update((now) => engine.applyEvent(m.payload, now)),
      podSignals: (m) => update((now) => engine.applySignal(m.payload, now)),
      clusterStatus: (m) => update((now) => engine.setClusterStatus(m.payload?.state ?? null, now)),
    };
  }

  static async create(opts: LedServiceOptions): Promise<LedService> {
    const { settings } = opts;
    const rt = opts.rt ?? serviceRuntime('led', settings);
    const layout = loadLayout(settings.layout);
    const factory = await resolveBoard(settings.board, opts.board?.modelPath);
    const engine = new LedEngine({
      layout,
      node: settings.node,
      filter: {
        namespaces: list(settings.namespaces),
        excludeNamespaces: list(settings.excludeNamespaces),
        selector: settings.selector,
      },
      canPwm: (pin) => factory.canPwm(pin),
    });
    const clock = () => performance.now();
    const backend = await factory.create({
      log: rt.log.child({ module: `board-${factory.name}` }),
      leds: engine.leds,
      gpioChip: settings.gpioChip,
      recordFile: settings.virtualRecord,
      render: settings.render === 'terminal' ? process.stdout : undefined,
      caption: (slot) => {
        const pod = engine.snapshot(clock()).slots[slot]?.pod;
        return pod ? `${pod.namespace}/${pod.name} ${pod.status}` : '';
      },
      ...opts.board,
    });
    rt.log.info({ node: settings.node, board: factory.name, layout: layout.name }, 'led service configured');
    return new LedService(settings, rt, engine, backend);
  }

  /** GET /leds: the engine's picture at this instant, with the pin values the driver last wrote. */
  picture(): LedPicture {
    const snap = this.engine.snapshot(this.clock());
    const pins: Record<string, number> = {};
    for (const led of snap.leds) pins[String(led.pin)] = this.driver.pinValue(led.pin);
    return {
      node: this.settings.node,
      cluster: this.settings.cluster,
      board: this.backend.name,
      ...snap,
      pins,
    };
  }

  start(): Promise<void> {
    return this.controller.start();
  }

  stop(): Promise<void> {
    return this.controller.stop();
  }
}

/** `kubeblink led`: runs until SIGTERM/SIGINT; a bad layout, selector or board exits 2 with the reason. */
export async function runLed(settings: LedSettings): Promise<void> {
  const rt = serviceRuntime('led', settings);
  let service: LedService;
  try {
    service = await LedService.create({ settings, rt });
  } catch (err) {
    if (err instanceof LayoutError || err instanceof SelectorError || err instanceof BoardError) {
      console.error(`kubeblink led: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  try {
    await runUntilSignal(service.controller, rt.log);
  } catch (err) {
    // The board could not be opened (missing package, pin in use, no permission): say why, exit 2.
    if (err instanceof BoardError) {
      console.error(`kubeblink led: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}
