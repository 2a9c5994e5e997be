// Draws the virtual breadboard in a terminal: one line per slot, each LED a dot in its colour at its
// brightness (24-bit ANSI colour), redrawn in place at most 30 times a second.
import type { LedInfo } from '@kubeblink/led-engine';
import { colourDot, roleShort } from './glyph.ts';

const REDRAW_MS = 33;

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
      const dots = leds.map((l) => `${colourDot(l.color, this.light[l.index] ?? 0)} ${roleShort(l.role)}`).join('  ');
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
