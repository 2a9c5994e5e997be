// The `kubeblink broker` process: the broker and its /healthz, /readyz, /metrics endpoint.
import { Controller, HealthServer, runUntilSignal, serviceRuntime } from '@kubeblink/core';
import type { BrokerSettings } from '@kubeblink/schemas';
import { Broker, type ResolvedBrokerSettings } from './broker.ts';

export async function runBroker(settings: BrokerSettings): Promise<void> {
  const s = settings as ResolvedBrokerSettings;
  const rt = serviceRuntime('broker', s);
  const controller = new Controller(rt.log);
  const broker = controller.add(new Broker({ settings: s, log: rt.log, registry: rt.registry }));
  // Started after the broker (ready only once it listens), stopped before it: a terminating pod
  // leaves the Service's endpoints while its clients are closed.
  controller.add(
    new HealthServer({
      host: s.httpHost ?? '0.0.0.0',
      port: s.httpPort ?? 9102,
      registry: rt.registry,
      log: rt.log,
      ready: () => broker.ready,
      healthy: () => broker.aedes?.closed === false,
    }),
  );
  await runUntilSignal(controller, rt.log);
}
