// The `kubeblink broker` process: the broker and its /healthz, /readyz, /metrics endpoint.
import { Controller, healthServerFromSettings, runUntilSignal, serviceRuntime } from '@kubeblink/core';
import type { BrokerSettings } from '@kubeblink/schemas';
import { Broker } from './broker.ts';

export async function runBroker(settings: BrokerSettings): Promise<void> {
  const rt = serviceRuntime('broker', settings);
  const controller = new Controller(rt.log);
  const broker = controller.add(new Broker({ settings, log: rt.log, registry: rt.registry }));
  // Started after the broker (ready only once it listens), stopped before it: a terminating pod
  // leaves the Service's endpoints while its clients are closed.
  controller.add(
    healthServerFromSettings(settings, rt, {
      ready: () => broker.ready,
      healthy: () => broker.aedes?.closed === false,
    }),
  );
  await runUntilSignal(controller, rt.log);
}
