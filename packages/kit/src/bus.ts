// For kubeblink's own services: typed handlers fed by the service's BusClient, which also announces
// the service status, keeps its last will, validates and counts. subscribeBus is the one way a
// service reads the bus; attachToBus feeds the kit's model and router with it. Node-only (the
// BusClient reads password files and uses prom-client), hence a separate entry.
import type { BusClient, BusMessage } from '@kubeblink/core';
import { type MessageHandlers, routeMessage } from './handlers.ts';
import type { Subscriber, Subscription } from './subscriber.ts';

/** What subscribeBus needs of a bus: a BusClient, or a caller's stand-in for one made later. */
export type BusSubscriber = Pick<BusClient, 'subscribe'>;

/**
 * Subscribes `bus` to each filter; every valid message on them goes to the handler of its kind.
 * Before the first connect the filters are only remembered: the BusClient subscribes them on
 * every connect without a kept session.
 */
export async function subscribeBus(
  bus: BusSubscriber,
  subscriptions: readonly Subscription[],
  handlers: MessageHandlers,
): Promise<void> {
  const handler = (m: BusMessage) => routeMessage(handlers, m);
  for (const s of subscriptions) await bus.subscribe(s.filter, handler, s.qos);
}

/**
 * Subscribes a started `bus` to everything `sub` needs and feeds it. Register the handlers on `sub`
 * first: messages can arrive as soon as the first SUBACK. The BusClient resubscribes by itself after a
 * reconnect, so there is no SUBACK to wait for: the settle window starts at the CONNACK instead (see
 * SubscriberOptions.settleMs).
 */
export async function attachToBus(bus: BusClient, sub: Subscriber): Promise<void> {
  bus.onConnect(({ sessionPresent }) => {
    sub.connected(sessionPresent);
    sub.subscribed();
  });
  bus.onDisconnect(() => sub.disconnected());
  await subscribeBus(bus, sub.subscriptions(), sub.handlers);
  sub.onSignalsWanted = () => {
    void subscribeBus(
      bus,
      sub.subscriptions().filter((x) => x.qos === 0),
      sub.handlers,
    );
  };
}
