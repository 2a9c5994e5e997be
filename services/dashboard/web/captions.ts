// One large line saying what just happened and why (issue 18), from the watcher's events. A line
// stays at least MIN_SHOW_MS so the room can read it; events meanwhile wait in a short queue (the
// latest few: a burst of 50 readiness flips must not keep the caption busy for minutes). Every
// caption also goes to the event log's history.
import type { ClusterEvent } from '@kubeblink/schemas';

export const MIN_SHOW_MS = 4000;
const MAX_QUEUE = 3;

type Data = {
  name: string;
  namespace?: string;
  node?: string | null;
  reason?: string;
  exitCode?: number | null;
  status?: string;
};

/** The sentence for an event, or null for those not worth a caption (app signals). */
export function captionFor(e: ClusterEvent): string | null {
  const d = e.data as Data;
  const n = d.name;
  const why =
    d.exitCode !== undefined && d.exitCode !== null
      ? `exit code ${d.exitCode}${d.reason ? ` (${d.reason})` : ''}`
      : d.reason;
  switch (e.type.replace('io.kubeblink.', '')) {
    case 'pod.scheduled':
      return `${n} scheduled to ${d.node ?? 'a node'}: the kubelet there pulls and starts it`;
    case 'pod.started':
      return `${n} started on ${d.node ?? 'its node'}`;
    case 'pod.ready':
      return `${n} is Ready: its Service sends it requests`;
    case 'pod.unready':
      return `${n} is not Ready: its readiness probe fails, no requests reach it`;
    case 'pod.restarted':
      return `${n} restarted: ${why ?? 'its container ended'} — the kubelet starts it again`;
    case 'pod.crashloop':
      return `${n} in CrashLoopBackOff: the kubelet waits longer before each restart`;
    case 'pod.imagepull-failed':
      return `${n} cannot pull its image${d.reason ? ` (${d.reason})` : ''}: the kubelet retries with backoff`;
    case 'pod.config-error':
      return `${n} cannot start: ${d.reason ?? 'a configuration error'}`;
    case 'pod.failed':
      return `${n} failed${why ? `: ${why}` : ''}`;
    case 'pod.succeeded':
      return `${n} completed successfully`;
    case 'pod.evicted':
      return `${n} evicted${d.reason ? ` (${d.reason})` : ''}: its controller makes a replacement`;
    case 'pod.terminating':
      return `${n} terminating: it gets SIGTERM and its grace period`;
    case 'pod.deleted':
      return `${n} deleted`;
    case 'node.added':
      return `${n} joined the cluster`;
    case 'node.ready':
      return `${n} is Ready: the scheduler may place pods on it`;
    case 'node.notready':
      return `${n} NotReady: its pods will be evicted after the toleration`;
    case 'node.unreachable':
      return `${n} unreachable: its kubelet stopped reporting, pods are evicted after the toleration`;
    case 'node.cordoned':
      return `${n} cordoned: no new pods are scheduled on it`;
    case 'node.uncordoned':
      return `${n} uncordoned: it takes new pods again`;
    case 'node.deleted':
      return `${n} removed from the cluster`;
    default:
      return null;
  }
}

export class Captions {
  private readonly el: HTMLElement;
  private readonly queue: string[] = [];
  private shownAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(el: HTMLElement, now: () => number) {
    this.el = el;
    this.now = now;
  }

  add(e: ClusterEvent): string | null {
    const text = captionFor(e);
    if (!text) return null;
    this.queue.push(text);
    while (this.queue.length > MAX_QUEUE) this.queue.shift();
    this.tick();
    return text;
  }

  /** Called every frame: shows the next queued line once the current one has been up long enough. */
  tick(): void {
    if (this.queue.length === 0 || this.now() - this.shownAt < MIN_SHOW_MS) return;
    this.el.textContent = this.queue.shift() ?? '';
    this.shownAt = this.now();
  }
}
