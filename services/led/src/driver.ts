// Drives the board frame by frame from the engine through johnny-five: one Led per layout LED,
// brightness() on PWM pins and on()/off() elsewhere, never johnny-five's own blink/pulse/fade timers.
// Between inputs it sleeps until the engine's next edge (or the next frame while a smooth curve runs),
// so an idle board costs nothing. On stop every LED goes off and the GPIO lines are released.
import type { Logger, Registry } from '@kubeblink/core';
import { counter, histogram } from '@kubeblink/core';
import type { LedEngine } from '@kubeblink/led-engine';
import type { BoardBackend } from './boards/board-types.ts';
import { LedIo } from './boards/io-plugin.ts';
import { type FiveBoard, type FiveLed, loadFive } from './five.ts';

export interface DriverOptions {
  engine: LedEngine;
  backend: BoardBackend;
  fps: number;
  log: Logger;
  registry: Registry;
  clock?: () => number;
}

/** Lateness samples kept for the benchmark (ms between an edge's scheduled time and its write). */
const LATENESS_SAMPLES = 20_000;

export class LedDriver {
  readonly name = 'leds';
  private readonly opts: DriverOptions;
  private readonly clock: () => number;
  private readonly frameMs: number;
  private leds: FiveLed[] = [];
  private board: FiveBoard | undefined;
  /** Last value written per LED: 0..255 on PWM pins, 0/1 elsewhere; -1 before the first frame. */
  private written: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private running = false;
  /** The engine's next edge as computed by the last frame: a frame at or after it draws that edge. */
  private scheduled = Number.POSITIVE_INFINITY;
  readonly lateness: number[] = [];
  frames = 0;
  lastFrameAt = 0;
  private readonly metrics;

  constructor(opts: DriverOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? (() => performance.now());
    this.frameMs = 1000 / opts.fps;
    const r = opts.registry;
    this.metrics = {
      frames: counter(r, 'kubeblink_led_frames_total', 'Frames computed by the LED driver'),
      writes: counter(r, 'kubeblink_led_pin_writes_total', 'Pin writes (only changed levels are written)'),
      lateness: histogram(
        r,
        'kubeblink_led_edge_lateness_seconds',
        'Delay between an on/off edge scheduled by the engine and its pin write',
        [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1],
      ),
    };
  }

  get ready(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    const { engine, backend, log } = this.opts;
    const opened = await backend.open(engine.leds.map((l) => ({ pin: l.pin, pwm: l.pwm })));
    const io = new LedIo(backend, opened);
    const five = loadFive();
    // repl/debug/sigint off: no prompt, no console output, and our own SIGTERM handling stays in charge.
    const board = new five.Board({ io, repl: false, debug: false, sigint: false, timeout: 30_000 });
    board.on('error', (e: { message?: string }) => log.error({ err: e?.message ?? e }, 'johnny-five board error'));
    board.on('fail', (e: { message?: string }) => log.error({ err: e?.message ?? e }, 'johnny-five board failure'));
    if (!board.isReady) await new Promise<void>((resolve) => board.once('ready', () => resolve()));
    this.board = board;
    this.leds = engine.leds.map((_, i) => new five.Led({ pin: (opened[i] as { index: number }).index, board }));
    this.written = this.leds.map(() => -1);
    this.running = true;
    log.info(
      {
        board: backend.name,
        layout: engine.layout.name,
        leds: engine.leds.length,
        pwm: engine.leds.filter((l) => l.pwm).length,
      },
      'LED board ready',
    );
    this.frame(false);
  }

  /** New input arrived: draw at once (coalesced to one frame per event-loop turn). */
  poke(): void {
    if (!this.running || this.immediate) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.frame(false);
    });
  }

  /** One frame, on the timer of the engine's next edge or at once after new input. */
  private frame(fromTimer: boolean): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    const { engine } = this.opts;
    const now = this.clock();
    if (fromTimer && now < this.scheduled) {
      // Node's millisecond timers can fire a fraction early: never draw an edge before its time.
      this.timer = setTimeout(() => this.frame(true), this.scheduled - now);
      return;
    }
    const levels = engine.levels(now);
    let changed = false;
    for (let i = 0; i < levels.length; i++) changed = this.write(i, levels[i] as number) || changed;
    this.frames++;
    this.lastFrameAt = now;
    this.metrics.frames.inc();
    if (changed && now >= this.scheduled) {
      // Lateness against the engine's schedule, whichever frame (timer or input) drew the edge.
      const late = now - this.scheduled;
      this.metrics.lateness.observe(late / 1000);
      if (this.lateness.length >= LATENESS_SAMPLES) this.lateness.shift();
      this.lateness.push(late);
    }
    const next = engine.nextChange(now, this.frameMs);
    this.scheduled = next;
    if (Number.isFinite(next)) this.timer = setTimeout(() => this.frame(true), Math.max(0, next - this.clock()));
  }

  /** Writes one LED if its pin value changed; returns whether it did. */
  private write(i: number, level: number): boolean {
    const info = this.opts.engine.leds[i];
    const led = this.leds[i];
    if (!info || !led) return false;
    const light = info.activeLow ? 1 - level : level;
    const value = info.pwm ? Math.round(light * 255) : light >= 0.5 ? 1 : 0;
    if (value === this.written[i]) return false;
    this.written[i] = value;
    this.metrics.writes.inc();
    if (info.pwm) led.brightness(value);
    else if (value) led.on();
    else led.off();
    return true;
  }

  /** What a layout pin is driven to (0..1), as last written; 0 before the first write. */
  pinValue(pin: number | string): number {
    const i = this.opts.engine.leds.findIndex((l) => String(l.pin) === String(pin));
    const info = this.opts.engine.leds[i];
    const v = this.written[i] ?? -1;
    if (!info || v < 0) return 0;
    return info.pwm ? Math.round((v / 255) * 1000) / 1000 : v;
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    // Every LED off: active-low LEDs are off with their pin high.
    this.opts.engine.leds.forEach((info, i) => {
      const led = this.leds[i];
      if (!led) return;
      if (info.activeLow) {
        if (info.pwm) led.brightness(255);
        else led.on();
      } else led.off();
    });
    this.board?.removeAllListeners();
    await this.opts.backend.close();
    this.opts.log.info('every LED off, GPIO released');
  }
}
