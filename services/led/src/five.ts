// johnny-five is CommonJS without types of its own: load it once and describe the little we use.
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

export interface FiveBoard extends EventEmitter {
  isReady: boolean;
}

export interface FiveLed {
  readonly pin: number;
  /** OUTPUT (1) or PWM (3), chosen by johnny-five from the IO plugin's pin capabilities. */
  readonly mode: number;
  on(): FiveLed;
  off(): FiveLed;
  brightness(value: number): FiveLed;
  stop(): FiveLed;
}

export interface Five {
  Board: new (opts: Record<string, unknown>) => FiveBoard;
  Led: new (opts: { pin: number; board: FiveBoard }) => FiveLed;
}

let five: Five | undefined;

/** Loaded on first use, so that commands other than `kubeblink led` never pay for it. */
export function loadFive(): Five {
  five ??= createRequire(import.meta.url)('johnny-five') as Five;
  return five;
}
