// Layouts: which pin shows what. The built-in ones are data (layouts/*.json), custom ones come from a
// file of the same shape (schema config/led-layout); the engine works on the flattened LED list.
import { configValidators, formatErrors, type LedLayout, type LedPin, type LedRole } from '@kubeblink/schemas';
import compact from '../layouts/compact.json' with { type: 'json' };
import talk from '../layouts/talk.json' with { type: 'json' };

export type { LedLayout, LedPin, LedRole };

export const BUILTIN_LAYOUTS: Readonly<Record<'talk' | 'compact', LedLayout>> = {
  talk: talk as LedLayout,
  compact: compact as LedLayout,
};

export function isBuiltinLayout(name: string): name is keyof typeof BUILTIN_LAYOUTS {
  return Object.hasOwn(BUILTIN_LAYOUTS, name);
}

/** One LED of a layout, flattened: `index` is its position in every levels() array. */
export interface LedInfo {
  index: number;
  /** `slot0.online`, `slot3.state`, `status`. */
  id: string;
  /** Pod slot, null for the status LED. */
  slot: number | null;
  role: LedRole;
  pin: number | string;
  /** Effective PWM: the layout says the pin can dim and the board can do it. */
  pwm: boolean;
  activeLow: boolean;
  color: string | null;
}

export class LayoutError extends Error {
  override name = 'LayoutError';
  readonly problems: string[];
  constructor(what: string, problems: string[]) {
    super(`invalid LED layout ${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/**
 * Validates a parsed layout against the schema and the rules a schema cannot say: a pin is used once,
 * a role at most once per slot, `status` only as the layout's status LED. Returns a checked copy.
 */
export function checkLayout(value: unknown, what = '(inline)'): LedLayout {
  const copy = structuredClone(value);
  const validate = configValidators.ledLayout;
  if (!validate(copy)) throw new LayoutError(what, formatErrors(validate.errors));
  const layout = copy as LedLayout;
  const problems: string[] = [];
  const pins = new Map<string, string>();
  const use = (led: LedPin, where: string) => {
    const key = String(led.pin);
    const before = pins.get(key);
    if (before) problems.push(`${where}: pin ${key} is already used by ${before}`);
    else pins.set(key, where);
  };
  layout.slots.forEach((slot, i) => {
    const roles = new Set<string>();
    slot.leds.forEach((led, j) => {
      const where = `/slots/${i}/leds/${j}`;
      if (led.role === 'status') problems.push(`${where}: role status belongs in the layout's status LED`);
      if (roles.has(led.role)) problems.push(`${where}: slot ${i} has two ${led.role} LEDs`);
      roles.add(led.role);
      use(led, where);
    });
  });
  if (layout.status) {
    if (layout.status.role !== 'status') problems.push(`/status: role must be status, not ${layout.status.role}`);
    use(layout.status, '/status');
  }
  if (problems.length) throw new LayoutError(what, problems);
  return layout;
}

/** The layout's LEDs in a fixed order: slot by slot as written, then the status LED. */
export function flattenLayout(layout: LedLayout, canPwm: (pin: number | string) => boolean = () => true): LedInfo[] {
  const out: LedInfo[] = [];
  const add = (led: LedPin, slot: number | null) =>
    out.push({
      index: out.length,
      id: slot === null ? 'status' : `slot${slot}.${led.role}`,
      slot,
      role: led.role,
      pin: led.pin,
      pwm: led.pwm === true && canPwm(led.pin),
      activeLow: led.activeLow ?? layout.activeLow ?? false,
      color: led.color ?? null,
    });
  layout.slots.forEach((slot, i) => {
    for (const led of slot.leds) add(led, i);
  });
  if (layout.status) add(layout.status, null);
  return out;
}
