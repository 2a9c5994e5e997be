// The johnny-five IO plugin over any board backend: the surface of the IO plugin specification that
// Led needs (pins with their capabilities, pinMode, digitalWrite, analogWrite/pwmWrite, normalize),
// reporting PWM only on pins where the layout asks for it and the board can do it, so johnny-five
// puts every other LED in OUTPUT mode. Inputs, I2C, serial and servos are not part of a LED board.
import { EventEmitter } from 'node:events';
import type { BoardBackend, OpenedPin } from './board-types.ts';

const MODES = { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4 } as const;

interface PinInfo {
  supportedModes: number[];
  mode: number;
  value: number;
  report: number;
  analogChannel: number;
}

export class LedIo extends EventEmitter {
  readonly name: string;
  readonly MODES = MODES;
  readonly HIGH = 1;
  readonly LOW = 0;
  readonly RESOLUTION = { ADC: 1023, DAC: null, PWM: 255 };
  readonly analogPins: number[] = [];
  readonly pins: PinInfo[] = [];
  readonly defaultLed: number;
  isReady = true;
  private readonly backend: BoardBackend;
  private readonly byName = new Map<string, number>();

  constructor(backend: BoardBackend, opened: readonly OpenedPin[]) {
    super();
    this.backend = backend;
    this.name = `kubeblink-${backend.name}`;
    const unsupported: PinInfo = { supportedModes: [], mode: -1, value: 0, report: 0, analogChannel: 127 };
    for (const p of opened) {
      while (this.pins.length <= p.index) this.pins.push({ ...unsupported, supportedModes: [] });
      this.pins[p.index] = {
        supportedModes: p.pwm ? [MODES.OUTPUT, MODES.PWM] : [MODES.OUTPUT],
        mode: MODES.OUTPUT,
        value: 0,
        report: 0,
        analogChannel: 127,
      };
      this.byName.set(String(p.pin), p.index);
    }
    this.defaultLed = opened[0]?.index ?? 0;
  }

  /** A layout pin (17, "GPIO17", a line name) to the pin number used with johnny-five. */
  normalize(pin: number | string): number {
    // johnny-five hands back the pin numbers it was given: those stay as they are.
    if (typeof pin === 'number' && (this.pins[pin]?.supportedModes.length ?? 0) > 0) return pin;
    return this.byName.get(String(pin)) ?? Number.NaN;
  }

  pinMode(pin: number, mode: number): this {
    const info = this.require(pin);
    if (!info.supportedModes.includes(mode)) throw new Error(`pin ${pin} does not support mode ${mode}`);
    info.mode = mode;
    return this;
  }

  digitalWrite(pin: number, value: number): this {
    const info = this.require(pin);
    info.value = value ? 1 : 0;
    this.backend.write(pin, info.value);
    return this;
  }

  analogWrite(pin: number, value: number): this {
    const info = this.require(pin);
    if (info.mode !== MODES.PWM) throw new Error(`pin ${pin} is not in PWM mode`);
    info.value = Math.max(0, Math.min(255, Math.round(value)));
    this.backend.write(pin, info.value / 255);
    return this;
  }

  pwmWrite(pin: number, value: number): this {
    return this.analogWrite(pin, value);
  }

  digitalRead(): never {
    throw new Error('a kubeblink LED board has no inputs');
  }

  analogRead(): never {
    throw new Error('a kubeblink LED board has no inputs');
  }

  private require(pin: number): PinInfo {
    const info = this.pins[pin];
    if (!info || info.supportedModes.length === 0) throw new Error(`pin ${pin} is not part of this LED layout`);
    return info;
  }
}
