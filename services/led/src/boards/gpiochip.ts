// The Linux GPIO character device through node-libgpiod (an optional native package built against
// libgpiod 1.x — Raspberry Pi OS bookworm's libgpiod2 package is 1.6 — loaded only when this board is
// used). No root needed, only access to /dev/gpiochipN (the gpio group on Raspberry Pi OS). The
// character device has no PWM: every pin is on/off and the engine uses its documented fallbacks.
// Tested over the real node-libgpiod addon and a stub libgpiod (test/gpiochip-native.int.test.ts):
// unverified on hardware.
//
// The board keeps the Chip it picked for as long as its lines are requested (issue 22): a
// node-libgpiod Line holds only its native handle, not its Chip, and the Chip's destructor runs
// libgpiod 1.6's gpiod_chip_close(), which releases every line of the chip. Dropping the Chip lets
// V8 free it at any gc(): the next setValue() then fails with EPERM (or, with real libgpiod, reads
// freed memory). node-libgpiod has no Chip.close(), so close() releases the lines and drops the
// reference; the chip itself closes when V8 frees it.
import {
  type BoardBackend,
  type BoardContext,
  BoardError,
  type BoardFactory,
  bcmNumber,
  type OpenedPin,
  type PinRequest,
} from './board-types.ts';

/** The part of node-libgpiod 0.5 used here. */
export interface GpiodLine {
  requestOutputMode(consumer?: string, defaultValue?: 0 | 1): unknown;
  setValue(value: 0 | 1): unknown;
  release(): unknown;
}
export interface GpiodChip {
  readonly name: string;
  readonly label: string;
  readonly numberOfLines: number;
  readonly lineNames: string[];
  getLine(offset: number): GpiodLine;
}
export interface Gpiod {
  Chip: new (identifier: number | string) => GpiodChip;
  getChipNames(): string[];
}

/** Labels of the chip that drives the 40-pin header: Pi 1-3, Pi 4, Pi 5 (RP1). */
const PI_HEADER_CHIP = /^pinctrl-(bcm2835|bcm2711|rp1)$/;
const CONSUMER = 'kubeblink-led';

export async function loadGpiod(ctx: BoardContext): Promise<Gpiod> {
  try {
    const mod = (await (ctx.load ?? ((n: string) => import(n)))('node-libgpiod')) as Gpiod & { default?: Gpiod };
    return mod.default ?? mod;
  } catch (err) {
    throw new BoardError(
      `the gpiochip board needs the optional package node-libgpiod, built against libgpiod 1.x ` +
        `(apt install libgpiod-dev build-essential python3, then npm rebuild node-libgpiod): ${(err as Error).message}`,
    );
  }
}

/** The chip to drive: the one named, or the first labelled as a Raspberry Pi header's. */
export function pickChip(gpiod: Gpiod, wanted: string | undefined): GpiodChip {
  if (wanted) return new gpiod.Chip(wanted);
  const seen: string[] = [];
  for (const name of gpiod.getChipNames()) {
    const chip = new gpiod.Chip(name);
    if (PI_HEADER_CHIP.test(chip.label)) return chip;
    seen.push(`${name} (${chip.label})`);
  }
  throw new BoardError(
    `no GPIO chip labelled as a Raspberry Pi header's; found ${seen.join(', ') || 'none'}: set --gpio-chip`,
  );
}

export class GpiochipBoard implements BoardBackend {
  readonly name = 'gpiochip';
  private readonly ctx: BoardContext;
  private readonly lines = new Map<number, GpiodLine>();
  /** Held while lines are requested: freeing it would release them (see the top of this file). */
  private chip: GpiodChip | undefined;

  constructor(ctx: BoardContext) {
    this.ctx = ctx;
  }

  async open(pins: readonly PinRequest[]): Promise<OpenedPin[]> {
    const gpiod = await loadGpiod(this.ctx);
    const chip = pickChip(gpiod, this.ctx.gpioChip);
    this.chip = chip;
    const opened: OpenedPin[] = [];
    try {
      for (const p of pins) {
        const offset = bcmNumber(p.pin) ?? chip.lineNames.indexOf(String(p.pin));
        if (offset < 0 || offset >= chip.numberOfLines) {
          throw new BoardError(
            `pin ${p.pin} is not a line of ${chip.name} (${chip.label}, ${chip.numberOfLines} lines)`,
          );
        }
        const line = chip.getLine(offset);
        try {
          line.requestOutputMode(CONSUMER, 0);
        } catch (err) {
          throw new BoardError(
            `cannot request ${chip.name} line ${offset} (pin ${p.pin}): ${(err as Error).message}; is it used by another program, and may this user open /dev/${chip.name}?`,
          );
        }
        this.lines.set(offset, line);
        opened.push({ ...p, pwm: false, index: offset });
      }
    } catch (err) {
      await this.close();
      throw err;
    }
    this.ctx.log.info(
      { chip: chip.name, label: chip.label, lines: [...this.lines.keys()] },
      'gpiochip lines requested',
    );
    return opened;
  }

  write(index: number, value: number): void {
    this.lines.get(index)?.setValue(value >= 0.5 ? 1 : 0);
  }

  async close(): Promise<void> {
    for (const [offset, line] of this.lines) {
      try {
        line.release();
      } catch (err) {
        this.ctx.log.warn({ offset, err: (err as Error).message }, 'cannot release GPIO line');
      }
    }
    this.lines.clear();
    this.chip = undefined;
  }

  /** The chip in use, while the board is open (led doctor names it). */
  get openedChip(): GpiodChip | undefined {
    return this.chip;
  }
}

export const gpiochipBoard: BoardFactory = {
  name: 'gpiochip',
  description: 'Linux GPIO character device via node-libgpiod (libgpiod 1.x); Raspberry Pi 3/4/5, no PWM',
  canPwm: () => false,
  create: async (ctx) => new GpiochipBoard(ctx),
};
