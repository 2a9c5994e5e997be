// Draws the virtual breadboard in a terminal: one line per slot, each LED a dot in its colour at its
// brightness (24-bit ANSI colour), redrawn in place at most 30 times a second.
import type { LedInfo } from '@kubeblink/led-engine';

const COLOURS: Record<string, [number, number, number]> = {
  red: [255, 40, 40],
  green: [40, 230, 60],
  blue: [60, 120, 255],
  yellow: [255, 210, 0],
  white: [240, 240, 240],
  orange: [255, 140, 0],
};
const REDRAW_MS = 33;
const ROLE_SHORT: Record<string, string> = {
  state: 'state',
  online: 'on',
  request: 'req',
  livenessOk: 'live+',
  livenessFail: 'live-',
  readinessOk: 'ready+',
  readinessFail: 'ready-',
  status: 'status',
};

export class TerminalPicture {
  private readonly out: NodeJS.WritableStream;
  private readonly leds: readonly LedInfo[];
  private readonly caption: ((slot: number) => string) | undefined;
  /** Light (0..1) per LED index, after active-low wiring is undone. */
  private readonly light: number[];
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(out: NodeJS.WritableStream, leds: readonly LedInfo[], caption?: (slot: number) => string) {
    this.out = out;
    this.leds = leds;
    this.caption = caption;
    this.light = leds.map(() => 0);
  }

  update(pin: number | string, value: number): void {
    const led = this.leds.find((l) => String(l.pin) === String(pin));
    if (!led) return;
    this.light[led.index] = led.activeLow ? 1 - value : value;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, REDRAW_MS);
  }

  /** The picture as text lines (exported for tests). */
  lines(): string[] {
    const slots = [...new Set(this.leds.map((l) => l.slot))];
    return slots.map((slot) => {
      const leds = this.leds.filter((l) => l.slot === slot);
      const dots = leds
        .map((l) => `${dot(l.color, this.light[l.index] ?? 0)} ${ROLE_SHORT[l.role] ?? l.role}`)
        .join('  ');
      const name = slot === null ? 'status ' : `slot ${slot} `;
      const caption = slot !== null && this.caption ? `  ${this.caption(slot)}` : '';
      return `${name}${dots}${caption}`;
    });
  }

  draw(): void {
    const lines = this.lines();
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : '';
    this.out.write(`${up}${lines.map((l) => `\x1b[2K${l}\n`).join('')}`);
    this.drawnLines = lines.length;
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.draw();
  }
}

function dot(color: string | null, level: number): string {
  const [r, g, b] = COLOURS[color ?? 'white'] ?? (COLOURS.white as [number, number, number]);
  // A dark LED is still visible as a dim dot, as on a breadboard.
  const k = 0.12 + 0.88 * Math.max(0, Math.min(1, level));
  return `\x1b[38;2;${Math.round(r * k)};${Math.round(g * k)};${Math.round(b * k)}m●\x1b[0m`;
}
