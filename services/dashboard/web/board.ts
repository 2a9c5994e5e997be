// One node drawn as a Raspberry Pi with its breadboard: the same LED list, in the same order, as the
// engine's levels() (and the LED service's GET /leds), each LED an SVG circle whose brightness is
// the engine's level. Under each slot, in type meant for the back of a lecture hall: the pod's
// unique name part, STATUS, READY and RESTARTS; the node's state as a badge (issue 18). The SVG
// scales to its grid cell (viewBox), so any number of boards fits the screen. data-* attributes
// carry the drawn state (tests read them).
import type { LedEngine } from '@kubeblink/led-engine';
import type { NodeState, PodState } from '@kubeblink/schemas';
import { nodeBadge } from './kubectl-columns.ts';

const SVG = 'http://www.w3.org/2000/svg';
const COLORS: Record<string, string> = {
  green: '#2f2',
  red: '#f33',
  blue: '#39f',
  yellow: '#fd2',
  white: '#fff',
  orange: '#f90',
};
const WIDTH = 520;
const LED_PITCH = 34;

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

interface SlotText {
  group: SVGGElement;
  name: SVGTextElement;
  status: SVGTextElement;
  ready: SVGTextElement;
}

export class Board {
  readonly node: string;
  readonly root: HTMLElement;
  private readonly circles: SVGCircleElement[] = [];
  private readonly slots: SlotText[] = [];
  private readonly badge: SVGTextElement;
  private readonly badgeBox: SVGRectElement;
  private readonly drawn: number[] = [];
  private readonly cell: number;
  private readonly type: number;

  constructor(node: string, engine: LedEngine, onClick: (slot: number | null) => void) {
    this.node = node;
    this.root = document.createElement('figure');
    this.root.className = 'board';
    this.root.dataset.node = node;
    const slots = engine.layout.slots.length;
    const perSlot = Math.max(...engine.layout.slots.map((s) => s.leds.length));
    this.cell = (WIDTH - 40) / slots;
    // Type scales with the slot's width: 30 px in the talk layout's two wide slots.
    this.type = Math.min(30, this.cell / 4.2);
    const ledsTop = 120;
    const textTop = ledsTop + perSlot * LED_PITCH + 10;
    const height = textTop + this.type * 4.4 + 20;
    const svg = el('svg', {
      viewBox: `0 0 ${WIDTH} ${height}`,
      role: 'img',
      'aria-label': `node ${node}`,
      preserveAspectRatio: 'xMidYMid meet',
    });
    svg.append(el('rect', { class: 'pcb', x: 0, y: 0, width: WIDTH, height, rx: 18, fill: '#0b5d2a' }));
    const name = el('text', { class: 'node-name', x: 20, y: 40, 'font-size': 32, 'font-weight': 'bold' });
    name.textContent = node;
    this.badgeBox = el('rect', { class: 'badge-box', x: 20, y: 54, width: 200, height: 34, rx: 17 });
    this.badge = el('text', { class: 'node-status', x: 36, y: 79, 'font-size': 24, 'font-weight': 'bold' });
    svg.append(name, this.badgeBox, this.badge);
    svg.append(el('rect', { x: 20, y: 100, width: WIDTH - 40, height: height - 110, rx: 6, fill: '#eee8d5' }));
    for (let s = 0; s < slots; s++) {
      const x = 20 + s * this.cell;
      const group = el('g', { class: 'slot' });
      group.dataset.slot = String(s);
      group.append(
        el('rect', { class: 'slot-bg', x: x + 3, y: 104, width: this.cell - 6, height: height - 118, rx: 4 }),
      );
      const cx = x + this.cell / 2;
      const line = (cls: string, y: number, size: number, bold = false) => {
        const t = el('text', { class: cls, x: cx, y, 'font-size': size, 'text-anchor': 'middle' });
        if (bold) t.setAttribute('font-weight', 'bold');
        group.append(t);
        return t;
      };
      const t = this.type;
      this.slots.push({
        group,
        name: line('slot-name', textTop + t, t * 1.15, true),
        status: line('slot-status', textTop + t * 2.3, t * 0.95, true),
        ready: line('slot-ready', textTop + t * 3.5, t * 0.85),
      });
      group.addEventListener('click', (ev) => {
        ev.stopPropagation();
        onClick(s);
      });
      svg.append(group);
    }
    for (const led of engine.leds) {
      const slot = led.slot ?? -1;
      const row = led.slot === null ? 0 : engine.layout.slots[slot]!.leds.findIndex((l) => l.role === led.role);
      const cx = led.slot === null ? WIDTH - 50 : 20 + slot * this.cell + this.cell / 2;
      const cy = led.slot === null ? 50 : ledsTop + 10 + row * LED_PITCH;
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

  /** Slow-changing text: the node's badge and, per slot, the pod it holds. */
  describe(node: NodeState | undefined, slotPods: (PodState | null)[], patterns: string[]): void {
    const badge = nodeBadge(node);
    if (this.badge.textContent !== badge.text) {
      this.badge.textContent = badge.text;
      this.badgeBox.setAttribute('width', String(32 + badge.text.length * 14));
    }
    this.badge.setAttribute('class', `node-status ${badge.kind}`);
    this.badgeBox.setAttribute('class', `badge-box ${badge.kind}`);
    this.root.dataset.badge = badge.text;
    this.root.classList.toggle('notready', badge.kind === 'bad');
    slotPods.forEach((pod, i) => {
      const s = this.slots[i];
      if (!s) return;
      const key = pod ? `${pod.namespace}/${pod.name}` : '';
      if (s.group.dataset.pod !== key) s.group.dataset.pod = key;
      set(s.name, pod ? unique(pod.name) : '', this.cell);
      set(s.status, pod?.status ?? '', this.cell);
      set(s.ready, pod ? `${pod.ready} · ↻${pod.restarts}` : '', this.cell);
      s.status.setAttribute('class', `slot-status ${pod ? statusKind(pod) : ''}`);
    });
    patterns.forEach((p, i) => {
      const c = this.circles[i];
      if (c && c.dataset.pattern !== p) c.dataset.pattern = p;
    });
  }
}

/** Sets a line's text, squeezed to the slot's width when it would not fit (CrashLoopBackOff). */
function set(t: SVGTextElement, text: string, cell: number): void {
  if (t.textContent === text) return;
  t.textContent = text;
  const size = Number(t.getAttribute('font-size'));
  if (text.length * size * 0.6 > cell - 10) {
    t.setAttribute('textLength', String(cell - 10));
    t.setAttribute('lengthAdjust', 'spacingAndGlyphs');
  } else t.removeAttribute('textLength');
}

function statusKind(p: PodState): string {
  if (p.status === 'Running' && p.podReady) return 'ok';
  if (/BackOff|Err|Error|Failed|OOM|Evicted|Unknown/.test(p.status)) return 'bad';
  return 'warn';
}

/** web-7d9c5b6f4-x2x9k -> x2x9k, db-0 -> db-0: the part that tells replicas apart. */
export function unique(pod: string): string {
  const m = /-([a-z0-9]{5})$/.exec(pod);
  return m && pod.length > 12 ? m[1]! : pod;
}
