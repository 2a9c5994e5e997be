// Issue 22, point 1: the gpiochip board must keep its Chip alive, because node-libgpiod's Chip
// destructor runs libgpiod 1.6's gpiod_chip_close(), which releases every line of the chip, and a
// Line holds only its native handle, not its Chip. The fake below has exactly that ownership: each
// Line points at the chip's native state, never at the JavaScript Chip, and a FinalizationRegistry
// plays the destructor. A real gc() runs between open and write.
//
// The same proof below the JavaScript, over the real addon and a stub libgpiod.so.2, is
// gpiochip-native.int.test.ts; this one needs no toolchain and runs in the unit tier.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { silentLogger } from '@kubeblink/core';
import type { Gpiod } from '../src/boards/gpiochip.ts';
import { GpiochipBoard } from '../src/boards/gpiochip.ts';

// The same as running node with --expose-gc, without a flag the test runner would have to pass.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Runs gc() and lets the finalizers (the fake's gpiod_chip_close) run, as V8 does between tasks. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

interface NativeChip {
  name: string;
  label: string;
  closed: boolean;
  requested: Set<number>;
}

/** node-libgpiod 0.5.3 with libgpiod 1.6's ownership rules; `log` is what the C library saw. */
function nativeLikeGpiod(chips: { name: string; label: string; lines: number }[], log: string[]): Gpiod {
  const destructor = new FinalizationRegistry((native: NativeChip) => {
    // gpiod_chip_close(): releases every requested line, then closes the chip's file descriptor.
    for (const offset of native.requested) log.push(`${native.name}:${offset} released by chip close`);
    native.requested.clear();
    native.closed = true;
    log.push(`${native.name} closed`);
  });
  class Line {
    readonly native: NativeChip;
    readonly offset: number;
    constructor(native: NativeChip, offset: number) {
      this.native = native;
      this.offset = offset;
    }
    requestOutputMode(consumer: string, value: 0 | 1) {
      this.native.requested.add(this.offset);
      log.push(`${this.native.name}:${this.offset} output ${consumer} ${value}`);
    }
    setValue(value: 0 | 1) {
      // gpiod_line_set_value() on a line that is no longer requested: EPERM, as on 1.6.
      if (!this.native.requested.has(this.offset)) throw new Error('::setValue: Operation not permitted');
      log.push(`${this.native.name}:${this.offset}=${value}`);
    }
    release() {
      if (this.native.requested.delete(this.offset)) log.push(`${this.native.name}:${this.offset} release`);
    }
  }
  class Chip {
    readonly name: string;
    readonly label: string;
    readonly numberOfLines: number;
    readonly lineNames: string[];
    readonly native: NativeChip;
    constructor(id: number | string) {
      const c = chips.find((x) => x.name === String(id) || `/dev/${x.name}` === id);
      if (!c) throw new Error(`Chip::new - Unable to open device ${id}`);
      this.name = c.name;
      this.label = c.label;
      this.numberOfLines = c.lines;
      this.lineNames = Array.from({ length: c.lines }, (_, i) => `GPIO${i}`);
      this.native = { name: c.name, label: c.label, closed: false, requested: new Set() };
      destructor.register(this, this.native);
    }
    getLine(offset: number) {
      return new Line(this.native, offset);
    }
  }
  return { Chip, getChipNames: () => chips.map((c) => c.name) };
}

/** Pi 5 on a kernel before 6.6.45: the header is gpiochip4, gpiochip0 the SoC's own GPIO. */
const PI5_EARLY = [
  { name: 'gpiochip0', label: 'gpio-brcmstb@107d508500', lines: 32 },
  { name: 'gpiochip4', label: 'pinctrl-rp1', lines: 54 },
];

/** What the old board did: picked the chip, requested its lines, then kept only the lines. */
class ChipDroppingBoard extends GpiochipBoard {
  override async open(pins: Parameters<GpiochipBoard['open']>[0]) {
    const opened = await super.open(pins);
    Reflect.set(this, 'chip', undefined);
    return opened;
  }
}

/** Opens pins 17 and 27 (in a function of its own, so no local of the test keeps a chip alive). */
async function openThenCollect(Board: typeof GpiochipBoard, log: string[]): Promise<GpiochipBoard> {
  const gpiod = nativeLikeGpiod(PI5_EARLY, log);
  const board = new Board({ log: silentLogger(), leds: [], load: async () => gpiod });
  await board.open([
    { pin: 17, pwm: false },
    { pin: 27, pwm: false },
  ]);
  await collect();
  return board;
}

describe('gpiochip board across gc() (node-libgpiod ownership, libgpiod 1.6 close semantics)', () => {
  it('keeps its chip: after gc() the lines stay requested and take every write', async () => {
    const log: string[] = [];
    const board = await openThenCollect(GpiochipBoard, log);
    board.write(17, 1);
    board.write(27, 1);
    board.write(17, 0);
    assert.deepEqual(log, [
      'gpiochip4:17 output kubeblink-led 0',
      'gpiochip4:27 output kubeblink-led 0',
      // The chip probed and not chosen was really collected: gc() did run.
      'gpiochip0 closed',
      'gpiochip4:17=1',
      'gpiochip4:27=1',
      'gpiochip4:17=0',
    ]);
    await board.close();
    await collect();
    assert.deepEqual(log.slice(6), ['gpiochip4:17 release', 'gpiochip4:27 release', 'gpiochip4 closed']);
  });

  it('a board that drops its chip loses its lines at gc(), and the next write throws EPERM', async () => {
    const log: string[] = [];
    const board = await openThenCollect(ChipDroppingBoard, log);
    assert.throws(() => board.write(17, 1), /Operation not permitted/);
    assert.deepEqual(log.slice(2).sort(), [
      'gpiochip0 closed',
      'gpiochip4 closed',
      'gpiochip4:17 released by chip close',
      'gpiochip4:27 released by chip close',
    ]);
  });
});
