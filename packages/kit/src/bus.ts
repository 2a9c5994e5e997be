// For kubeblink's own services (sound, dashboard): the kit's model and typed handlers fed by the
// service's BusClient, which also announces the service status, keeps its last will and counts
// metrics. Node-only (the BusClient reads password files and uses prom-client), hence a separate entry.
import type { BusClient, BusMessage } from '@kubeblink/core';
import type { Subscriber } from './subscriber.ts';

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
  const handler = (m: BusMessage) => sub.handle(m);
  for (const s of sub.subscriptions()) await bus.subscribe(s.filter, handler, s.qos);
  sub.onSignalsWanted = () => {
    for (const s of sub.subscriptions().filter((x) => x.qos === 0)) void bus.subscribe(s.filter, handler, s.qos);
  };
}
