// A reader on the bus for the screen: the cluster status, every node's STATUS, and the transition
// events as short lines (the picture's event tail, or the plain output when stdout is no terminal).
// App signals are only counted: at a few per second per pod they would drown the events.
import { type BusMessage, filters, type MessageHandler } from '@kubeblink/core';
import { type MessageHandlers, routeMessage } from '@kubeblink/kit';
import { subscribeBus } from '@kubeblink/kit/bus';
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
    const subscriptions = [{ filter: filters.cluster(this.o.cluster), qos: 1 as const }];
    await subscribeBus({ subscribe: this.o.subscribe }, subscriptions, this.handlers);
  }

  /** What each kind of message does on the screen (service statuses are not shown). */
  readonly handlers: MessageHandlers = {
    clusterStatus: (m) => {
      const state = m.payload?.state ?? null;
      if (state !== this.clusterStatus) this.line(`${clock(this.now())}  cluster ${state ?? 'gone'}`);
      this.clusterStatus = state;
    },
    nodeState: (m) => {
      const status = m.payload?.status;
      if (status) this.nodeStatus.set(m.parts.node, status);
      else this.nodeStatus.delete(m.parts.node);
    },
    nodeEvents: (m) => this.line(eventLine(m.payload, this.now())),
    podSignals: (m) => {
      this.signals++;
      if (m.payload.type === 'io.kubeblink.app.request') this.requests++;
    },
  };

  handle(m: BusMessage): void {
    void routeMessage(this.handlers, m);
  }

  private now(): Date {
    return (this.o.now ?? (() => new Date()))();
  }

  private line(l: string): void {
    this.events.push(l);
    if (this.events.length > (this.o.keep ?? 50)) this.events.shift();
    this.o.onLine?.(l);
  }

  async stop(): Promise<void> {}
}
