// What a client is subscribed to, and the delivery of what it receives: each message is decoded and
// validated once (decode.ts), then handed to every handler whose filter matches. An invalid message
// is dropped, logged once per topic and counted, never thrown at a handler.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { counter } from '../metrics.ts';
import { topicMatches } from '../topics.ts';
import { type BusMessage, decodeMessage } from './decode.ts';
import { InvalidMessageLog } from './invalid-log.ts';

export type MessageHandler = (message: BusMessage) => void | Promise<void>;

export interface SubscriptionsOptions {
  log: Logger;
  registry: Registry;
  /** Runs a handler so that neither a throw nor a rejection can escape (the client's guard). */
  guard: (fn: () => void | Promise<void>) => void;
}

export class Subscriptions {
  private readonly handlers: { filter: string; handler: MessageHandler }[] = [];
  /** Every filter subscribed, with its QoS: sent again on each connect without a kept session. */
  private readonly filters = new Map<string, 0 | 1>();
  private readonly invalid: InvalidMessageLog;
  private readonly guard: SubscriptionsOptions['guard'];
  private readonly metrics;

  constructor(o: SubscriptionsOptions) {
    this.invalid = new InvalidMessageLog(o.log);
    this.guard = o.guard;
    this.metrics = {
      received: counter(o.registry, 'kubeblink_bus_messages_received_total', 'Valid messages received', ['kind']),
      invalid: counter(o.registry, 'kubeblink_bus_messages_invalid_total', 'Messages received and dropped as invalid', [
        'kind',
      ]),
    };
  }

  /** Adds a handler; a filter subscribed twice keeps the higher QoS. */
  add(filter: string, handler: MessageHandler, qos: 0 | 1): void {
    this.handlers.push({ filter, handler });
    this.filters.set(filter, Math.max(qos, this.filters.get(filter) ?? 0) as 0 | 1);
  }

  /** Removes every handler of the filter. */
  remove(filter: string): void {
    for (let i = this.handlers.length - 1; i >= 0; i--)
      if (this.handlers[i]?.filter === filter) this.handlers.splice(i, 1);
  }

  /** Every filter with its QoS, as one SUBSCRIBE; undefined when there is none. */
  all(): Record<string, { qos: 0 | 1 }> | undefined {
    if (this.filters.size === 0) return undefined;
    return Object.fromEntries([...this.filters].map(([f, qos]) => [f, { qos }]));
  }

  dispatch(topic: string, payload: Uint8Array, retained: boolean): void {
    const matching = this.handlers.filter((h) => topicMatches(h.filter, topic));
    if (matching.length === 0) return;
    const decoded = decodeMessage(topic, payload, retained);
    if (!decoded.ok) {
      this.metrics.invalid.inc({ kind: decoded.kind });
      this.invalid.report(topic, decoded.reason);
      return;
    }
    this.metrics.received.inc({ kind: decoded.message.kind });
    for (const h of matching) this.guard(() => h.handler(decoded.message));
  }
}
