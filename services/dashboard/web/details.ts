// Node or pod details on click: what `kubectl get -o wide` would show, from the live model.
import type { NodeState, PodState } from '@kubeblink/schemas';

export function showDetails(panel: HTMLElement, title: string, rows: [string, string][]): void {
  const h = document.createElement('h2');
  h.textContent = title;
  const dl = document.createElement('dl');
  for (const [k, v] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
  panel.replaceChildren(h, dl);
  panel.hidden = false;
}

export function nodeRows(n: NodeState, pods: PodState[]): [string, string][] {
  return [
    ['status', n.status],
    ['roles', n.roles.join(', ') || '<none>'],
    ['version', n.kubeletVersion ?? ''],
    ['internal IP', n.internalIP ?? ''],
    ['OS', n.osImage ?? ''],
    ['arch', n.architecture ?? ''],
    ['pods', pods.map((p) => `${p.name} ${p.status}`).join(', ') || 'none'],
  ];
}

export function podRows(p: PodState): [string, string][] {
  return [
    ['namespace', p.namespace],
    ['status', p.status],
    ['ready', p.ready],
    ['restarts', String(p.restarts)],
    ['node', p.node ?? '<none>'],
    ['IP', p.ip ?? '<none>'],
    ['owner', p.owner ? `${p.owner.kind}/${p.owner.name}` : '<none>'],
    ['images', p.images.join(', ')],
    ['created', p.createdAt],
  ];
}
