// The combined picture of `kubeblink up`: every board (node name, node state, status LED, each slot's
// LEDs and the pod it shows), the cluster status, a progress line and a tail of bus events, as text
// lines. Pure: the screen decides when to draw, the tests give levels and read the lines.
import { colourDot, roleShort } from '@kubeblink/led/glyph';

export interface LedView {
  slot: number | null;
  role: string;
  color: string | null;
  /** 0..1 as the engine computes it (active-low already undone). */
  level: number;
}

export interface PodCaption {
  namespace: string;
  name: string;
  status: string;
  ready: string;
  restarts: number;
}

export interface BoardView {
  node: string;
  /** The node's STATUS as kubectl shows it (Ready, NotReady, Unknown, ...); undefined before known. */
  nodeStatus?: string;
  /** The board shows a stale picture (broker lost or watcher offline). */
  stale: boolean;
  slots: { index: number; pod: PodCaption | null }[];
  overflow: number;
  leds: LedView[];
}

export interface ViewModel {
  title: string;
  /** Said under the title in every frame (a recording instead of a cluster, and why). */
  notice?: string;
  clusterStatus: string | null;
  /** What is happening now (start-up steps, a build's last line); empty once running. */
  phase: string;
  boards: BoardView[];
  /** Recent bus events, oldest first, already formatted. */
  events: string[];
  footer: string[];
}

export interface RenderOptions {
  color: boolean;
  /** Terminal columns: longer lines are cut (a wrapped line would break the in-place redraw). */
  width: number;
  /** Event lines shown at most. */
  eventLines?: number;
  /** Terminal rows for the picture: the event tail shrinks (to none) so the boards and the next
   * steps fit; a taller picture would scroll and break the in-place redraw. */
  height?: number;
}

/** One LED: a dot in its colour at its brightness; without colour, ● lit, ◐ dim, ○ dark. */
export function ledGlyph(led: LedView, color: boolean): string {
  const level = Math.max(0, Math.min(1, led.level));
  if (!color) return level >= 0.5 ? '●' : level > 0.05 ? '◐' : '○';
  return colourDot(led.color, level);
}

const bold = (s: string, color: boolean) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string, color: boolean) => (color ? `\x1b[2m${s}\x1b[0m` : s);

function cut(s: string, max: number): string {
  if (max <= 0) return '';
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/** Narrower than this, slot LEDs go without role labels (a legend line names them once). */
export const LABEL_WIDTH = 100;

/** The LEDs of one slot (or the status LED) as `<dot> <role>` pairs; without labels when asked,
 * or when the slot has a single LED (compact layout). Returns the drawn text and its visible width. */
function ledRow(leds: LedView[], color: boolean, labels = true): { text: string; width: number } {
  const label = labels && leds.length > 1;
  const sep = label ? 2 : 1;
  const parts = leds.map((l) => {
    const name = roleShort(l.role);
    return { text: label ? `${ledGlyph(l, color)} ${name}` : ledGlyph(l, color), width: label ? 2 + name.length : 1 };
  });
  return {
    text: parts.map((p) => p.text).join(' '.repeat(sep)),
    width: parts.reduce((n, p) => n + p.width, 0) + Math.max(0, parts.length - 1) * sep,
  };
}

/** STATUS, READY, restarts, then the pod's name: when room is short the name loses its middle,
 * keeping the random suffix that tells pods of one ReplicaSet apart. */
export function caption(pod: PodCaption | null, room: number): string {
  if (!pod) return cut('(free)', room);
  const restarts = pod.restarts > 0 ? `  ${pod.restarts} restart${pod.restarts === 1 ? '' : 's'}` : '';
  // The default namespace goes without saying: pod names are long, terminals are not.
  const name = pod.namespace === 'default' ? pod.name : `${pod.namespace}/${pod.name}`;
  const head = `${pod.status}  ${pod.ready}${restarts}  `;
  const left = room - head.length;
  if (name.length <= left) return `${head}${name}`;
  if (left >= 8) return `${head}${name.slice(0, left - 7)}…${name.slice(-6)}`;
  return cut(`${head}${name}`, room);
}

export function boardLines(b: BoardView, o: RenderOptions): string[] {
  const out: string[] = [];
  const status = b.leds.filter((l) => l.slot === null);
  const state = b.nodeStatus ?? 'unknown';
  const stale = b.stale ? '  (stale: last known picture)' : '';
  const head = `${b.node}  ${state}${stale}`;
  const statusRow = status.length ? ledRow(status, o.color) : undefined;
  const headWidth = head.length + (statusRow ? 2 + statusRow.width : 0);
  out.push(
    `${bold(b.node, o.color)}  ${cut(`${state}${stale}`, o.width - b.node.length - 2)}${
      statusRow && headWidth <= o.width ? `  ${statusRow.text}` : ''
    }`,
  );
  const labels = o.width >= LABEL_WIDTH;
  for (const s of b.slots) {
    const row = ledRow(
      b.leds.filter((l) => l.slot === s.index),
      o.color,
      labels,
    );
    const prefix = `  ${String(s.index).padStart(2)} `;
    const text = caption(s.pod, o.width - prefix.length - row.width - 2);
    out.push(`${prefix}${row.text}  ${s.pod ? text : dim(text, o.color)}`);
  }
  if (b.overflow > 0) out.push(cut(`     + ${b.overflow} more pod${b.overflow === 1 ? '' : 's'} than slots`, o.width));
  return out;
}

export function renderView(m: ViewModel, o: RenderOptions): string[] {
  const lines: string[] = [];
  lines.push(cut(`${m.title}  ·  cluster ${m.clusterStatus ?? 'unknown'}`, o.width));
  for (const l of m.notice ? m.notice.split('\n') : []) lines.push(cut(l, o.width));
  if (m.phase) lines.push(cut(`» ${m.phase}`, o.width));
  // Without labels, one legend line names the LEDs of a slot, in order.
  const slotLeds = m.boards[0]?.leds.filter((l) => l.slot === 0) ?? [];
  if (o.width < LABEL_WIDTH && slotLeds.length > 1) {
    lines.push(cut(`LEDs of a slot: ${slotLeds.map((l) => roleShort(l.role)).join(' ')}`, o.width));
  }
  lines.push('');
  for (const b of m.boards) {
    lines.push(...boardLines(b, o));
    lines.push('');
  }
  const room = o.height === undefined ? Number.POSITIVE_INFINITY : o.height - lines.length - m.footer.length - 1;
  const n = Math.min(o.eventLines ?? 6, room);
  if (n > 0) {
    lines.push(dim('recent events', o.color));
    const events = m.events.slice(-n);
    for (let k = 0; k < n; k++) lines.push(cut(`  ${events[k] ?? ''}`, o.width));
  }
  for (const f of m.footer) lines.push(cut(f, o.width));
  return lines;
}
