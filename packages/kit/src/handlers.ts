// Typed handlers per topic kind, zigbee2mqtt's typed event map: a reader names the kinds it wants and
// each handler receives its kind's message, parts and payload narrowed; kinds without a handler are
// ignored. Every reader of the bus routes through here: the kit's own connection (kit.ts), a service's
// BusClient (bus.ts: subscribeBus, attachToBus). Browser-safe.
import type { BusMessage, MessageOf } from '@kubeblink/core/decode';
import type { TopicKind } from '@kubeblink/core/topics';

export type MessageHandlers = { [K in TopicKind]?: (message: MessageOf<K>) => void | Promise<void> };

/** Hands `message` to the handler of its kind, if there is one, and returns what that returns. */
export function routeMessage<K extends TopicKind>(
  handlers: MessageHandlers,
  message: MessageOf<K>,
): void | Promise<void> {
  return handlers[message.kind]?.(message);
}

export type { BusMessage, MessageOf };
