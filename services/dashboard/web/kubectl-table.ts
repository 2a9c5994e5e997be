// The kubectl view beside the boards: `kubectl get pods -o wide` and `kubectl get nodes`, redrawn
// from the live model; each pod row carries data-pod="<namespace>/<name>" (the board's slot does too)
// so hovering either highlights both, and flash() marks a row whose LEDs just changed.
import type { NodeState, PodState } from '@kubeblink/schemas';
import { byName, NODE_COLUMNS, nodeRow, POD_COLUMNS, podRow } from './kubectl-columns.ts';

const FLASH_MS = 2500;

function table(columns: readonly string[]): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const t = document.createElement('table');
  const head = t.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement('th');
    th.textContent = c;
    head.append(th);
  }
  return { table: t, body: t.createTBody() };
}

export class KubectlTables {
  private readonly pods = table(POD_COLUMNS);
  private readonly nodes = table(NODE_COLUMNS);
  private readonly flashed = new Map<string, number>();

  constructor(podsEl: HTMLElement, nodesEl: HTMLElement) {
    this.pods.table.id = 'pods-table';
    this.nodes.table.id = 'nodes-table';
    podsEl.append(this.pods.table);
    nodesEl.append(this.nodes.table);
  }

  /** Redraws both tables (a few dozen rows, twice a second: cheap). */
  draw(pods: PodState[], nodes: NodeState[], now: number, wall: number): void {
    fill(
      this.pods.body,
      [...pods].sort(byName).map((p) => ({ key: `${p.namespace}/${p.name}`, cells: podRow(p, wall) })),
      (key, tr) => {
        const until = this.flashed.get(key) ?? 0;
        tr.classList.toggle('changed', until > now);
        if (until <= now) this.flashed.delete(key);
      },
      'pod',
    );
    fill(
      this.nodes.body,
      [...nodes].sort((a, b) => (a.name < b.name ? -1 : 1)).map((n) => ({ key: n.name, cells: nodeRow(n, wall) })),
      () => {},
      'rowNode',
    );
  }

  /** The pod's LEDs changed: its row lights for a moment. */
  flash(key: string, now: number): void {
    this.flashed.set(key, now + FLASH_MS);
    const tr = this.pods.body.querySelector(`tr[data-pod="${CSS.escape(key)}"]`);
    tr?.classList.add('changed');
  }
}

function fill(
  body: HTMLTableSectionElement,
  rows: { key: string; cells: string[] }[],
  decorate: (key: string, tr: HTMLTableRowElement) => void,
  attr: 'pod' | 'rowNode',
): void {
  while (body.rows.length > rows.length) body.deleteRow(-1);
  rows.forEach((r, i) => {
    const tr = body.rows[i] ?? body.insertRow();
    tr.dataset[attr] = r.key;
    r.cells.forEach((text, j) => {
      const td = tr.cells[j] ?? tr.insertCell();
      if (td.textContent !== text) td.textContent = text;
    });
    decorate(r.key, tr);
  });
}
