// For kubeblink's own services (sound, dashboard): the kit's model and typed handlers fed by the
// service's BusClient, which also announces the service status, keeps its last will and counts
// metrics. Node-only (the BusClient reads password files and uses prom-client), hence a separate entry.
import type { BusClient } from '@kubeblink/core';
import { Subscriber, type SubscriberOptions } from './subscriber.ts';

/**
 * Subscribes `bus` to everything the kit needs and returns the Subscriber it feeds. The BusClient
 * resubscribes by itself after a reconnect, so there is no SUBACK to wait for: the settle window
 * starts at the CONNACK instead (see SubscriberOptions.settleMs).
 */
export async function subscriberOnBus(bus: BusClient, opts: SubscriberOptions): Promise<Subscriber> {
  const sub = new Subscriber(opts);
  bus.onConnect(({ sessionPresent }) => {
    sub.connected(sessionPresent);
    sub.subscribed();
  });
  bus.onDisconnect(() => sub.disconnected());
  const handler = (m: Parameters<Subscriber['handle']>[0]) => sub.handle(m);
  for (const s of sub.subscriptions()) await bus.subscribe(s.filter, handler, s.qos);
  sub.onSignalsWanted = () => {
    for (const s of sub.subscriptions().filter((x) => x.qos === 0)) void bus.subscribe(s.filter, handler, s.qos);
  };
  return sub;
}
