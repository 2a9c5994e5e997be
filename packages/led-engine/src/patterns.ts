// The light patterns as data: on/off step sequences and smooth curves, each anchored at the moment
// its cause began (so a blink starts at once instead of at some global phase). Every pattern answers
// two questions: its level at time t, and the next time after t at which that level changes — the
// second lets a driver sleep until the next edge instead of polling.

/** Timings in milliseconds; the README's pattern table is generated from the same numbers. */
export const TIMING = {
  /** Request flash: the LED is inverted this long... */
  flashMs: 60,
  /** ...and shows its normal level at least this long before the next flash (coalescing). */
  flashGapMs: 90,
  /** A probe result flash. */
  probeFlashMs: 120,
  /** A new pod waits this long for a slot, so that pods seen together are placed in a stable order. */
  assignDelayMs: 250,
  /** After a reconnect, pods whose retained state was not delivered again within this time are gone. */
  resyncMs: 2000,
  /** Smooth fade-out of a terminating pod (PWM). */
  fadeMs: 2000,
  /** Breathing period (PWM) and its lowest level. */
  breathMs: 2400,
  breathMin: 0.08,
  /** Level factor of every slot LED while the broker is lost or the watcher offline (PWM, no status LED). */
  staleDim: 0.15,
} as const;

export type Timing = typeof TIMING;

/** One step of a sequence: hold `level` for `ms`. */
export type Step = readonly [ms: number, level: number];

/** A periodic or one-shot on/off sequence. */
export interface StepPattern {
  readonly kind: 'steps';
  readonly steps: readonly Step[];
  /** Repeat forever (periodic) or play once and then report `after`. */
  readonly repeat: boolean;
  /** Level once a one-shot sequence has ended. */
  readonly after?: number;
}

/** A smooth curve sampled by the driver once per frame (PWM only). */
export interface SmoothPattern {
  readonly kind: 'smooth';
  /** Level at `ms` since the anchor. */
  readonly at: (ms: number) => number;
  /** Length of one period (repeat) or of the whole curve (one-shot). */
  readonly periodMs: number;
  readonly repeat: boolean;
  readonly after?: number;
}

export type Pattern = StepPattern | SmoothPattern | { readonly kind: 'steady'; readonly level: number };

const on = (ms: number): Step => [ms, 1];
const off = (ms: number): Step => [ms, 0];

export const steady = (level: number): Pattern => ({ kind: 'steady', level });
const loop = (...steps: Step[]): StepPattern => ({ kind: 'steps', steps, repeat: true });
const once = (after: number, ...steps: Step[]): StepPattern => ({ kind: 'steps', steps, repeat: false, after });

/** Every named pattern, PWM and on/off variant. The README table lists the same. */
export const PATTERNS = {
  off: steady(0),
  steady: steady(1),
  slowBlink: loop(on(500), off(500)),
  breathing: {
    kind: 'smooth',
    periodMs: TIMING.breathMs,
    repeat: true,
    // Starts bright (the LED was probably on) and sinks to breathMin half a period later.
    at: (ms: number) =>
      TIMING.breathMin + (1 - TIMING.breathMin) * (0.5 + 0.5 * Math.cos((2 * Math.PI * ms) / TIMING.breathMs)),
  } satisfies SmoothPattern,
  /** No PWM: mostly on with a short gap, so it still differs from the even slow blink. */
  breathingOnOff: loop(on(1500), off(500)),
  doubleBlink: loop(on(150), off(150), on(150), off(1050)),
  bursts: loop(on(60), off(60), on(60), off(60), on(60), off(60), on(60), off(60), on(60), off(1460)),
  /** Starts dark so that it shows on a LED that was steadily lit. */
  tripleFlash: once(Number.NaN, off(150), on(150), off(150), on(150), off(150), on(150), off(150)),
  fadeOut: {
    kind: 'smooth',
    periodMs: TIMING.fadeMs,
    repeat: false,
    after: 0,
    at: (ms: number) => Math.max(0, 1 - ms / TIMING.fadeMs),
  } satisfies SmoothPattern,
  /** No PWM: three blinks of shrinking length, then dark. */
  fadeOutOnOff: once(0, on(400), off(200), on(200), off(200), on(80), off(200), on(40)),
  // Status LED (all on/off, so it works on any pin).
  statusSyncing: loop(on(500), off(500)),
  statusWatcherOffline: loop(on(100), off(900)),
  statusBrokerLost: loop(on(100), off(100)),
  statusNodeNotReady: loop(on(250), off(250), on(250), off(1250)),
  statusOverflow: loop(on(1800), off(200)),
  /** No PWM, no status LED, stale: a lit LED shows only this blip once a second. */
  staleMask: loop(on(100), off(900)),
} as const;

export type PatternName = keyof typeof PATTERNS;

function stepsLength(steps: readonly Step[]): number {
  let sum = 0;
  for (const [ms] of steps) sum += ms;
  return sum;
}

/** The level of a pattern anchored at `anchor`, at time `t` (t >= anchor). NaN: a one-shot is over. */
export function levelAt(p: Pattern, anchor: number, t: number): number {
  const ms = Math.max(0, t - anchor);
  if (p.kind === 'steady') return p.level;
  if (p.kind === 'smooth') {
    if (!p.repeat && ms >= p.periodMs) return p.after ?? Number.NaN;
    return p.at(p.repeat ? ms % p.periodMs : ms);
  }
  const total = stepsLength(p.steps);
  if (!p.repeat && ms >= total) return p.after ?? Number.NaN;
  let rest = p.repeat ? ms % total : ms;
  for (const [len, level] of p.steps) {
    if (rest < len) return level;
    rest -= len;
  }
  return p.steps.at(-1)?.[1] ?? 0;
}

/**
 * The next time strictly after `t` at which the pattern's level may change: the end of the current
 * step, `t + frameMs` inside a smooth curve, Infinity when it never changes again.
 */
export function nextEdge(p: Pattern, anchor: number, t: number, frameMs: number): number {
  if (p.kind === 'steady') return Number.POSITIVE_INFINITY;
  const ms = t - anchor;
  if (ms < 0) return anchor;
  if (p.kind === 'smooth') {
    if (!p.repeat && ms >= p.periodMs) return Number.POSITIVE_INFINITY;
    const next = t + frameMs;
    return p.repeat ? next : Math.min(next, anchor + p.periodMs);
  }
  const total = stepsLength(p.steps);
  if (!p.repeat && ms >= total) return Number.POSITIVE_INFINITY;
  const cycles = p.repeat ? Math.floor(ms / total) : 0;
  let edge = anchor + cycles * total;
  for (const [len] of p.steps) {
    edge += len;
    if (edge > t) return edge;
  }
  return edge + (p.steps[0]?.[0] ?? 0);
}

/** When a one-shot pattern ends (Infinity for periodic and steady ones). */
export function endOf(p: Pattern, anchor: number): number {
  if (p.kind === 'steady' || p.repeat) return Number.POSITIVE_INFINITY;
  return anchor + (p.kind === 'smooth' ? p.periodMs : stepsLength(p.steps));
}
