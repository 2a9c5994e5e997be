// The dashboard page: the kit's live model and events feed one LED engine per node (the same engine
// the LED service drives GPIO with), and every animation frame draws the engines' levels.
import { connectKit } from '@kubeblink/kit';
import { BUILTIN_LAYOUTS, LedEngine } from '@kubeblink/led-engine';
import type { AppSignal, ClusterEvent } from '@kubeblink/schemas';
import type { PageConfig } from '../src/main.ts';
import { Board } from './board.ts';
import { Captions } from './captions.ts';
import { nodeRows, podRows, showDetails } from './details.ts';
import { nodeOrder } from './kubectl-columns.ts';
import { KubectlTables } from './kubectl-table.ts';
import { EventLog } from './log.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const config = (await (await fetch('config.json')).json()) as PageConfig;
// URL options win over the service's settings: ?cluster=, ?nodes=a,b, ?layout=talk|compact, ?broker=.
const q = new URLSearchParams(location.search);
const cluster = q.get('cluster') ?? config.cluster;
const layoutName = q.get('layout') ?? config.layout;
const layout = BUILTIN_LAYOUTS[layoutName === 'talk' ? 'talk' : 'compact'];
const only = (q.get('nodes')?.split(',') ?? config.nodes).map((n) => n.trim()).filter(Boolean);
// The page's own host relays the broker when the service has an upstream (one port to expose).
const own = config.proxy && `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${config.proxy}`;
const broker = q.get('broker') ?? config.broker ?? (own || `ws://${location.hostname}:9001`);

$('cluster').textContent = cluster;
const statusPill = $('status');
const detailsPanel = $('details');
const log = new EventLog($<HTMLOListElement>('log'), $<HTMLInputElement>('filter'));
const boardsEl = $('boards');
const tables = new KubectlTables($('pods'), $('nodes'));

const kit = connectKit({
  url: broker,
  cluster,
  username: config.username ?? undefined,
  password: config.password ?? undefined,
  signals: true,
});
const now = () => performance.now();
const captions = new Captions($('caption'), now);
const boards = new Map<string, { engine: LedEngine; board: Board }>();
let connected = false;

function wanted(node: string): boolean {
  return node !== '_unscheduled' && (only.length === 0 || only.includes(node));
}

function boardFor(node: string): { engine: LedEngine; board: Board } | undefined {
  if (!wanted(node)) return undefined;
  let b = boards.get(node);
  if (!b) {
    const engine = new LedEngine({ layout, node });
    engine.setConnected(connected, now());
    engine.setClusterStatus(kit.model.status?.state ?? null, now());
    const board = new Board(node, engine, (slot) => select(node, slot));
    b = { engine, board };
    boards.set(node, b);
    placeBoards();
  }
  return b;
}

/** Boards in the order of ?nodes= when given, else the control plane first, then by name; in a grid
 * of as many columns as keep them large (3 nodes: one row; 12: four by three). */
function placeBoards(): void {
  const names = [...boards.keys()].sort((a, b) =>
    only.length ? only.indexOf(a) - only.indexOf(b) : nodeOrder(kit.model.node(a), kit.model.node(b), a, b),
  );
  const cols = names.length <= 3 ? Math.max(1, names.length) : names.length <= 8 ? Math.ceil(names.length / 2) : 4;
  boardsEl.style.setProperty('--cols', String(cols));
  boardsEl.style.setProperty('--rows', String(Math.max(1, Math.ceil(names.length / cols))));
  boardsEl.replaceChildren(...names.map((n) => boards.get(n)!.board.root));
}

function select(node: string, slot: number | null): void {
  const b = boards.get(node);
  const pod = slot === null || !b ? null : b.engine.snapshot(now()).slots[slot]?.pod;
  const state = pod ? kit.model.pod(pod.namespace, pod.name) : undefined;
  const n = kit.model.node(node);
  if (state) showDetails(detailsPanel, state.name, podRows(state));
  else if (n) showDetails(detailsPanel, `node ${node}`, nodeRows(n, kit.model.pods(node)));
}

kit.model.onChange((c) => {
  const t = now();
  if (c.kind === 'status') {
    for (const { engine } of boards.values()) engine.setClusterStatus(c.after?.state ?? null, t);
    showStatus();
  } else if (c.kind === 'node') {
    const known = boards.has(c.node);
    if (c.after) boardFor(c.node)?.engine.setNodeState(c.after, t);
    else if (boards.delete(c.node)) placeBoards();
    // Roles arrive with the state: the control plane moves first.
    if (known && c.after) placeBoards();
  } else {
    const b = boardFor(c.node);
    if (c.after) b?.engine.setPod(c.after, t);
    else b?.engine.removePod(c.namespace, c.name, t);
  }
});

kit.on('*', (e: ClusterEvent) => {
  const node = 'namespace' in e.data ? e.data.node : e.data.name;
  if (node) boards.get(node)?.engine.applyEvent(e, now());
  // A pod's event is what changes its LEDs: its row in the table lights with them.
  if ('namespace' in e.data) tables.flash(`${e.data.namespace}/${e.data.name}`, now());
  captions.add(e);
  log.add(e);
});
kit.onSignal('*', (s: AppSignal) => boards.get(s.data.node)?.engine.applySignal(s, now()));
kit.onConnection((state) => {
  connected = state.connected;
  for (const { engine } of boards.values()) engine.setConnected(connected, now());
  showStatus();
});

function showStatus(): void {
  const state = connected ? (kit.model.status?.state ?? 'no watcher') : 'disconnected';
  statusPill.textContent = state;
  statusPill.className = `pill ${state}`;
}

// Every frame: levels. Twice a second: labels and patterns (they change slowly).
let lastText = 0;
const lastPatterns = new Map<string, string[]>();
function frame(): void {
  const t = now();
  const texts = t - lastText > 500;
  if (texts) lastText = t;
  captions.tick();
  for (const [node, { engine, board }] of boards) {
    board.draw(engine.levels(t));
    if (texts) {
      const snap = engine.snapshot(t);
      const patterns = snap.leds.map((l) => l.pattern);
      // A slot whose LED patterns changed flashes its pod's row, whatever changed them.
      const before = lastPatterns.get(node);
      snap.slots.forEach((s, i) => {
        if (!s.pod || !before) return;
        const changed = snap.leds.some((l, j) => l.slot === i && before[j] !== patterns[j]);
        if (changed) tables.flash(`${s.pod.namespace}/${s.pod.name}`, t);
      });
      lastPatterns.set(node, patterns);
      board.describe(
        kit.model.node(node),
        snap.slots.map((s) => (s.pod ? (kit.model.pod(s.pod.namespace, s.pod.name) ?? null) : null)),
        patterns,
      );
    }
  }
  if (texts) tables.draw(kit.model.pods(), kit.model.nodes(), t, Date.now());
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

// Hovering a slot highlights its pod's row and vice versa: every element of one pod shares data-pod.
function highlight(key: string | null): void {
  for (const e of document.querySelectorAll('.hl')) e.classList.remove('hl');
  if (key) for (const e of document.querySelectorAll(`[data-pod="${CSS.escape(key)}"]`)) e.classList.add('hl');
}
document.addEventListener('pointerover', (ev) => {
  const at = (ev.target as Element | null)?.closest?.('[data-pod]') as HTMLElement | SVGElement | null;
  highlight(at?.dataset.pod || null);
});

// A projector: F toggles full screen (the browser's own F11 works too).
document.addEventListener('keydown', (ev) => {
  if (ev.key !== 'f' || ev.target instanceof HTMLInputElement) return;
  if (document.fullscreenElement) void document.exitFullscreen();
  else void document.documentElement.requestFullscreen();
});

// For tests and the curious: the engines' own pictures (what GET /leds of the LED service shows).
Object.assign(window, {
  kubeblink: {
    kit,
    snapshot: (node: string) => boards.get(node)?.engine.snapshot(now()),
    nodes: () => [...boards.keys()],
  },
});
