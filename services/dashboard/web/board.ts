// One node drawn as a Raspberry Pi with its breadboard: the same LED list, in the same order, as the
// engine's levels() (and the LED service's GET /leds), each LED an SVG circle whose brightness is
// the engine's level. data-* attributes carry the drawn state (tests read them).
import type { LedEngine } from '@kubeblink/led-engine';

const SVG = 'http://www.w3.org/2000/svg';
const COLORS: Record<string, string> = {
  green: '#2f2',
  red: '#f33',
  blue: '#39f',
  yellow: '#fd2',
  white: '#fff',
  orange: '#f90',
};

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export class Board {
  readonly node: string;
  readonly root: HTMLElement;
  private readonly circles: SVGCircleElement[] = [];
  private readonly labels: SVGTextElement[] = [];
  private readonly status: SVGTextElement;
  private readonly drawn: number[] = [];

  constructor(node: string, engine: LedEngine, onClick: (slot: number | null) => void) {
    this.node = node;
    this.root = document.createElement('figure');
    this.root.className = 'board';
    this.root.dataset.node = node;
    const slots = engine.layout.slots.length;
    const perSlot = Math.max(...engine.layout.slots.map((s) => s.leds.length));
    const width = 520;
    const cell = Math.min(70, (width - 60) / slots);
    const height = 150 + perSlot * 34 + 40;
    const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `node ${node}` });
    svg.append(el('rect', { class: 'pcb', x: 0, y: 0, width, height, rx: 18, fill: '#0b5d2a' }));
    const name = el('text', { x: 20, y: 42, 'font-size': 30, 'font-weight': 'bold' });
    name.textContent = node;
    this.status = el('text', { class: 'node-status', x: 20, y: 78, 'font-size': 22 });
    svg.append(name, this.status);
    svg.append(el('rect', { x: 20, y: 100, width: width - 40, height: height - 120, rx: 6, fill: '#eee8d5' }));
    for (const led of engine.leds) {
      const slot = led.slot ?? -1;
      const row = led.slot === null ? 0 : engine.layout.slots[slot]!.leds.findIndex((l) => l.role === led.role);
      const cx = led.slot === null ? width - 50 : 50 + slot * cell + cell / 2 - 15;
      const cy = led.slot === null ? 60 : 130 + row * 34;
      const color = COLORS[led.color ?? ''] ?? led.color ?? '#2f2';
      const c = el('circle', { cx, cy, r: 13, fill: color, stroke: '#333', 'stroke-width': 2, 'fill-opacity': 0.08 });
      c.dataset.led = led.id;
      c.addEventListener('click', (ev) => {
        ev.stopPropagation();
        onClick(led.slot);
      });
      svg.append(c);
      this.circles.push(c);
      this.drawn.push(-1);
    }
    for (let s = 0; s < slots; s++) {
      const label = el('text', { class: 'slot-label', x: 50 + s * cell + cell / 2 - 15, y: height - 30 });
      label.setAttribute('text-anchor', 'middle');
      this.labels.push(label);
      svg.append(label);
    }
    this.root.append(svg);
    this.root.addEventListener('click', () => onClick(null));
  }

  /** Draws the levels of one frame; only LEDs whose level changed touch the DOM. */
  draw(levels: number[]): void {
    for (let i = 0; i < levels.length; i++) {
      const level = Math.round((levels[i] ?? 0) * 1000) / 1000;
      if (level === this.drawn[i]) continue;
      this.drawn[i] = level;
      const c = this.circles[i]!;
      // An off LED is still visible as a dim lens, as on a real breadboard.
      c.setAttribute('fill-opacity', String(0.08 + 0.92 * level));
      c.dataset.level = String(level);
    }
  }

  /** Slow-changing text: node status and which pod holds each slot. */
  describe(status: string, ready: boolean, slotPods: (string | null)[], patterns: string[]): void {
    this.status.textContent = status;
    this.status.setAttribute('class', `node-status ${ready ? 'ok' : 'bad'}`);
    this.root.classList.toggle('notready', !ready);
    slotPods.forEach((pod, i) => {
      const label = this.labels[i];
      if (label) label.textContent = pod ? shorten(pod) : '';
    });
    patterns.forEach((p, i) => {
      const c = this.circles[i];
      if (c && c.dataset.pattern !== p) c.dataset.pattern = p;
    });
  }
}

/** web-7d9c5b6f4-x2x9k -> x2x9k: the part that tells replicas apart fits under a LED. */
function shorten(pod: string): string {
  return pod.length <= 8 ? pod : pod.slice(pod.lastIndexOf('-') + 1).slice(0, 8);
}
