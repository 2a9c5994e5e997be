// A reader on the bus for the screen: the cluster status, every node's STATUS, and the transition
// events as short lines (the picture's event tail, or the plain output when stdout is no terminal).
// App signals are only counted: at a few per second per pod they would drown the events.
import { type BusMessage, filters, type MessageHandler } from '@kubeblink/core';
import type { ClusterEvent } from '@kubeblink/schemas';

export interface TailOptions {
  /** Subscribes on the screen's own bus connection (made later, once the broker runs). */
  subscribe: (filter: string, handler: MessageHandler) => Promise<void>;
  cluster: string;
  /** Called with each new event line (and status changes), in order. */
  onLine?: (line: string) => void;
  now?: () => Date;
  keep?: number;
}

const clock = (d: Date) => d.toISOString().slice(11, 19);

/** `io.kubeblink.pod.restarted` with its data -> one short line. */
export function eventLine(e: ClusterEvent, at: Date): string {
  const what = e.type.replace(/^io\.kubeblink\./, '');
  const d = e.data as unknown as Record<string, unknown>;
  if (what.startsWith('node.'))
    return `${clock(at)}  ${what.padEnd(16)} ${String(d.name)}  ${String(d.status ?? '')}`.trimEnd();
  const extra = [d.reason, d.exitCode !== undefined ? `exit code ${d.exitCode}` : undefined].filter(Boolean).join(', ');
  const node = d.node ? ` on ${String(d.node)}` : '';
  const name = d.namespace === 'default' ? String(d.name) : `${String(d.namespace)}/${String(d.name)}`;
  return `${clock(at)}  ${what.padEnd(16)} ${name}${node}  ${String(d.status)}${extra ? ` (${extra})` : ''}`;
}

export class BusTail {
  readonly name = 'bus-tail';
  clusterStatus: string | null = null;
  readonly nodeStatus = new Map<string, string>();
  readonly events: string[] = [];
  signals = 0;
  requests = 0;
  private readonly o: TailOptions;

  constructor(o: TailOptions) {
    this.o = o;
  }

  async start(): Promise<void> {
    await this.o.subscribe(filters.cluster(this.o.cluster), (m) => this.handle(m));
  }

  handle(m: BusMessage): void {
    const now = (this.o.now ?? (() => new Date()))();
    switch (m.parts.kind) {
      case 'clusterStatus': {
        const state = (m.payload as { state?: string } | null)?.state ?? null;
        if (state !== this.clusterStatus) this.line(`${clock(now)}  cluster ${state ?? 'gone'}`);
        this.clusterStatus = state;
        return;
      }
      case 'nodeState': {
        const status = (m.payload as { status?: string } | null)?.status;
        if (status) this.nodeStatus.set(m.parts.node, status);
        else this.nodeStatus.delete(m.parts.node);
        return;
      }
      case 'nodeEvents':
        if (m.payload) this.line(eventLine(m.payload as ClusterEvent, now));
        return;
      case 'podSignals':
        this.signals++;
        if ((m.payload as { type?: string } | null)?.type === 'io.kubeblink.app.request') this.requests++;
        return;
      default:
        return;
    }
  }

  private line(l: string): void {
    this.events.push(l);
    if (this.events.length > (this.o.keep ?? 50)) this.events.shift();
    this.o.onLine?.(l);
  }

  async stop(): Promise<void> {}
}
