// The virtual board: records every pin write with a timestamp (for tests, benchmarks and displays)
// and can draw the breadboard live in a terminal. Used everywhere that is not a Raspberry Pi.
import { writeFile } from 'node:fs/promises';
import type { BoardBackend, BoardContext, BoardFactory, OpenedPin, PinRequest } from './board-types.ts';
import { bcmNumber } from './board-types.ts';
import { TerminalPicture } from './terminal.ts';

export interface PinWrite {
  /** performance.now() of the write, in ms. */
  t: number;
  pin: number | string;
  index: number;
  value: number;
}

/** Writes kept in memory (a breathing LED at 50 fps writes 50 times a second). */
const MAX_WRITES = 200_000;

export class VirtualBoard implements BoardBackend {
  readonly name = 'virtual';
  readonly writes: PinWrite[] = [];
  dropped = 0;
  /** Current value of every opened pin (0..1). */
  readonly values = new Map<number, number>();
  released = false;
  private opened: OpenedPin[] = [];
  private readonly ctx: BoardContext;
  private readonly picture: TerminalPicture | undefined;

  constructor(ctx: BoardContext) {
    this.ctx = ctx;
    this.picture = ctx.render ? new TerminalPicture(ctx.render, ctx.leds, ctx.caption) : undefined;
  }

  async open(pins: readonly PinRequest[]): Promise<OpenedPin[]> {
    // BCM numbers keep their number; other names get numbers above every BCM one.
    let next = Math.max(63, ...pins.map((p) => bcmNumber(p.pin) ?? 0)) + 1;
    this.opened = pins.map((p) => ({ ...p, index: bcmNumber(p.pin) ?? next++ }));
    for (const p of this.opened) this.values.set(p.index, 0);
    this.released = false;
    return this.opened;
  }

  write(index: number, value: number): void {
    if (this.released) throw new Error(`virtual board: write to pin ${index} after release`);
    const pin = this.opened.find((p) => p.index === index)?.pin ?? index;
    if (this.writes.length >= MAX_WRITES) {
      this.writes.shift();
      this.dropped++;
    }
    this.writes.push({ t: performance.now(), pin, index, value });
    this.values.set(index, value);
    this.picture?.update(pin, value);
  }

  /** The writes of one layout pin, as values (what a logic analyser on that pin would show). */
  valuesOf(pin: number | string): number[] {
    return this.writes.filter((w) => w.pin === pin).map((w) => w.value);
  }

  async close(): Promise<void> {
    this.released = true;
    this.picture?.close();
    if (this.ctx.recordFile) {
      const final = Object.fromEntries(this.opened.map((p) => [String(p.pin), this.values.get(p.index) ?? 0]));
      await writeFile(
        this.ctx.recordFile,
        `${JSON.stringify({ released: true, final, dropped: this.dropped, writes: this.writes })}\n`,
      );
    }
  }
}

export const virtualBoard: BoardFactory = {
  name: 'virtual',
  description: 'no hardware: records every pin write with a timestamp, optionally drawn in the terminal',
  canPwm: () => true,
  create: async (ctx) => new VirtualBoard(ctx),
};
