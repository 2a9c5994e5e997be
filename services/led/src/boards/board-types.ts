// A board is a backend that opens GPIO pins, writes levels to them and releases them; the one
// johnny-five IO plugin (LedIo) sits on top of any of them. Boards register themselves in a registry
// by name (Moleculer's transporter style), so the service, tests and tools pick one by name.

import type { Logger } from '@kubeblink/core';
import type { LedInfo } from '@kubeblink/led-engine';

export interface PinRequest {
  /** As written in the layout: a BCM number or a board-specific name. */
  pin: number | string;
  /** The layout wants PWM on this pin. */
  pwm: boolean;
}

export interface OpenedPin extends PinRequest {
  /** The pin number johnny-five uses for it (BCM line offset where there is one). */
  index: number;
}

export interface BoardBackend {
  readonly name: string;
  /** Requests every pin as an output, driven low. Throws with a clear message when a pin is unusable. */
  open(pins: readonly PinRequest[]): Promise<OpenedPin[]>;
  /** Sets a pin: 0 or 1 on on/off pins, 0..1 on PWM pins. */
  write(index: number, value: number): void;
  /** Gives the GPIO lines back to the system (after the driver turned every LED off). */
  close(): Promise<void>;
}

export interface BoardContext {
  log: Logger;
  leds: readonly LedInfo[];
  /** gpiochip: the chip to use (default: the one labelled as the Pi header's). */
  gpioChip?: string | undefined;
  /** virtual: draw the breadboard on this stream with ANSI colours. */
  render?: NodeJS.WritableStream | undefined;
  /** virtual: where to write the recorded pin writes when the board closes. */
  recordFile?: string | undefined;
  /** virtual: caption of each slot (the pod it shows), for the terminal picture. */
  caption?: (slot: number) => string;
  /** Tests: replaces `import(name)` of an optional native package with a fake. */
  load?: (name: string) => Promise<unknown>;
  /** Tests: where the Raspberry Pi model is read from (default /proc/device-tree/model). */
  modelPath?: string;
}

export interface BoardFactory {
  name: string;
  description: string;
  /** Whether this board can dim a pin (the engine uses on/off fallbacks elsewhere). */
  canPwm(pin: number | string): boolean;
  create(ctx: BoardContext): Promise<BoardBackend>;
}

export class BoardError extends Error {
  override name = 'BoardError';
}

/** `17`, `"17"`, `"GPIO17"`, `"BCM17"` → 17; other names (e.g. P1-11) → null. */
export function bcmNumber(pin: number | string): number | null {
  if (typeof pin === 'number') return pin;
  const m = pin.match(/^(?:GPIO|BCM)?(\d+)$/i);
  return m ? Number(m[1]) : null;
}
