// raspi-io (pigpio underneath: root and /dev/mem) for Raspberry Pi 3/4 on older installs; an optional
// package loaded only when this board is used. Software PWM on every pin, so LEDs can breathe and
// fade. Integer layout pins are BCM numbers, given to raspi-io as GPIO<n> names (its own numbers are
// WiringPi's). Tested against a fake raspi-io only: unverified on hardware.
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import {
  type BoardBackend,
  type BoardContext,
  BoardError,
  type BoardFactory,
  bcmNumber,
  type OpenedPin,
  type PinRequest,
} from './board-types.ts';

/** The part of a johnny-five IO plugin (raspi-io 11) used here. */
export interface RaspiIoPlugin {
  isReady: boolean;
  MODES: { OUTPUT: number; PWM: number };
  normalize(pin: number | string): number;
  pinMode(pin: number, mode: number): unknown;
  digitalWrite(pin: number, value: number): unknown;
  analogWrite(pin: number, value: number): unknown;
  reset?(): unknown;
  once(event: string, fn: (...args: unknown[]) => void): unknown;
}
type RaspiIoCtor = (opts: Record<string, unknown>) => RaspiIoPlugin;

export class RaspiBoard implements BoardBackend {
  readonly name = 'raspi';
  private readonly ctx: BoardContext;
  private io: RaspiIoPlugin | undefined;
  private readonly pwm = new Map<number, boolean>();

  constructor(ctx: BoardContext) {
    this.ctx = ctx;
  }

  async open(pins: readonly PinRequest[]): Promise<OpenedPin[]> {
    // pigpio drives the BCM283x/2711 GPIO registers; the Pi 5's header is on the RP1 chip, which it
    // does not support and has no plans to (pigpio#621, issue 22): refuse before touching /dev/mem.
    const model = await readFile(this.ctx.modelPath ?? '/proc/device-tree/model', 'utf8').catch(() => '');
    if (model.includes('Raspberry Pi 5')) {
      throw new BoardError(
        `the raspi board cannot drive a ${model.replace(/\0/g, '').trim()}: pigpio does not support the Pi 5's RP1 chip; use --board gpiochip (no root needed)`,
      );
    }
    let RaspiIO: RaspiIoCtor;
    try {
      const mod = (await (this.ctx.load ?? ((n: string) => import(n)))('raspi-io')) as {
        RaspiIO?: RaspiIoCtor;
        default?: { RaspiIO?: RaspiIoCtor };
      };
      RaspiIO = (mod.RaspiIO ?? mod.default?.RaspiIO) as RaspiIoCtor;
      if (typeof RaspiIO !== 'function') throw new Error('raspi-io has no RaspiIO export');
    } catch (err) {
      throw new BoardError(
        `the raspi board needs the optional package raspi-io (Raspberry Pi only, run as root): ${(err as Error).message}`,
      );
    }
    const names = pins.map((p) => {
      const bcm = bcmNumber(p.pin);
      return bcm === null ? String(p.pin) : `GPIO${bcm}`;
    });
    const io = RaspiIO({ includePins: names, enableI2C: false, enableSerial: false });
    if (!io.isReady) await once(io as unknown as NodeJS.EventEmitter, 'ready');
    this.io = io;
    return pins.map((p, i) => {
      const index = io.normalize(names[i] as string);
      if (typeof index !== 'number' || Number.isNaN(index)) throw new BoardError(`raspi-io does not know pin ${p.pin}`);
      io.pinMode(index, p.pwm ? io.MODES.PWM : io.MODES.OUTPUT);
      this.pwm.set(index, p.pwm);
      return { ...p, index };
    });
  }

  write(index: number, value: number): void {
    const io = this.io;
    if (!io) return;
    if (this.pwm.get(index)) io.analogWrite(index, Math.round(value * 255));
    else io.digitalWrite(index, value >= 0.5 ? 1 : 0);
  }

  async close(): Promise<void> {
    // The driver has already written every LED off; reset() gives the pins back where raspi-io has it.
    this.io?.reset?.();
    this.io = undefined;
  }
}

export const raspiBoard: BoardFactory = {
  name: 'raspi',
  description: 'raspi-io (pigpio, root) on Raspberry Pi 3/4; software PWM on every pin',
  canPwm: () => true,
  create: async (ctx) => new RaspiBoard(ctx),
};
