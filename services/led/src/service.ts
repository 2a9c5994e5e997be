// The LED service: one node's pods on a board. Components, started in this order and stopped in
// reverse: the board (johnny-five driver), the bus (clean session, role reader, subscribed only to its
// node's topics and the cluster status), the subscriptions feeding the engine, and the HTTP server
// (/healthz, /readyz, /metrics, /leds). SIGTERM: HTTP and bus close, then every LED off, GPIO released.
import {
  type BusClient,
  type BusMessage,
  busFromSettings,
  Controller,
  filters,
  gauge,
  HealthServer,
  runUntilSignal,
  type ServiceRuntime,
  sendJson,
  serviceRuntime,
  VERSION,
} from '@kubeblink/core';
import { LayoutError, LedEngine, type LedSnapshot, SelectorError } from '@kubeblink/led-engine';
import type { LedSettings } from '@kubeblink/schemas';
import { resolveBoard } from './boards/registry.ts';
import { type BoardBackend, type BoardContext, BoardError } from './boards/types.ts';
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
      fps: settings.fps ?? 50,
      log: log.child({ module: 'driver' }),
      registry,
    });
    const cluster = settings.cluster ?? 'default';
    this.bus = busFromSettings({ ...settings, broker: settings.broker ?? 'mqtt://localhost:1883', cluster }, rt, {
      role: 'reader',
      identity: { kind: 'service', service: 'led', version: VERSION, node: settings.node },
    });
    this.http = new HealthServer({
      host: settings.httpHost ?? '0.0.0.0',
      port: settings.httpPort ?? 9104,
      registry,
      log,
      ready: () => this.driver.ready,
      routes: { '/leds': (_req, res) => sendJson(res, this.picture()) },
    });
    const pods = gauge(registry, 'kubeblink_led_pods', 'Pods shown (in a slot) and waiting for a slot', ['where']);
    const handled = (m: BusMessage) => {
      const now = this.clock();
      this.apply(m, now);
      this.driver.poke();
      if (m.parts.kind === 'podState') {
        const snap = engine.snapshot(now);
        pods.set({ where: 'slot' }, snap.slots.filter((s) => s.pod).length);
        pods.set({ where: 'overflow' }, snap.overflow.length);
      }
    };
    const { node } = settings;
    let subscribed = false;
    this.bus.onConnect(() => {
      engine.setConnected(true, this.clock());
      this.driver.poke();
      // Subscribe once connected: MQTT.js drops a SUBSCRIBE queued before a first connection that
      // fails, and resubscribes by itself (clean session) on every later reconnect.
      if (subscribed) return;
      subscribed = true;
      const subscribe = (filter: string) =>
        this.bus
          .subscribe(filter, handled)
          .catch((err: Error) => log.warn({ err: err.message, filter }, 'subscribe failed; retried on reconnect'));
      // Only this node's topics: a Pi never receives other nodes' traffic.
      void subscribe(filters.node(cluster, node));
      void subscribe(filters.clusterStatus(cluster));
    });
    this.bus.onDisconnect(() => {
      engine.setConnected(false, this.clock());
      this.driver.poke();
    });
    this.controller.add(this.driver);
    this.controller.add(this.bus);
    this.controller.add(this.http);
  }

  static async create(opts: LedServiceOptions): Promise<LedService> {
    const { settings } = opts;
    const rt = opts.rt ?? serviceRuntime('led', settings);
    const layout = loadLayout(settings.layout ?? 'talk');
    const factory = await resolveBoard(settings.board ?? 'auto', opts.board?.modelPath);
    const engine = new LedEngine({
      layout,
      node: settings.node,
      filter: {
        namespaces: list(settings.namespaces),
        excludeNamespaces: list(settings.excludeNamespaces ?? 'kube-system,kubeblink'),
        selector: settings.selector ?? '',
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

  private apply(m: BusMessage, now: number): void {
    const { engine } = this;
    switch (m.parts.kind) {
      case 'podState':
        if (m.payload) engine.setPod(m.payload as never, now);
        else engine.removePod(m.parts.namespace, m.parts.pod, now);
        return;
      case 'nodeState':
        engine.setNodeState(m.payload as never, now);
        return;
      case 'nodeEvents':
        if (m.payload) engine.applyEvent(m.payload as never, now);
        return;
      case 'podSignals':
        if (m.payload) engine.applySignal(m.payload as never, now);
        return;
      case 'clusterStatus':
        engine.setClusterStatus((m.payload as { state: 'syncing' | 'ready' | 'offline' } | null)?.state ?? null, now);
        return;
      default:
        return;
    }
  }

  /** GET /leds: the engine's picture at this instant, with the pin values the driver last wrote. */
  picture(): LedPicture {
    const snap = this.engine.snapshot(this.clock());
    const pins: Record<string, number> = {};
    for (const led of snap.leds) pins[String(led.pin)] = this.driver.pinValue(led.pin);
    return {
      node: this.settings.node,
      cluster: this.settings.cluster ?? 'default',
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
