import { busFromSettings, Controller, runUntilSignal, serviceRuntime, VERSION } from '@kubeblink/core';
import type { DemoAppSettings } from '@kubeblink/schemas';
import { DemoApp } from './app.ts';
import { Heartbeat } from './heartbeat.ts';
import { SignalPublisher } from './signals.ts';

export function createDemoApp(settings: DemoAppSettings, exit: (code: number) => void = (c) => process.exit(c)) {
  const rt = serviceRuntime('demo-app', {
    ...settings,
    // In a pod the hostname is the pod name; the simulation runs many pods on one host, so the
    // instance (and MQTT client id) comes from the pod's identity.
    instance: settings.instance ?? `demo-app-${settings.namespace}-${settings.pod}`,
  });
  const identity = { cluster: settings.cluster, namespace: settings.namespace, pod: settings.pod, node: settings.node };
  const bus = busFromSettings(settings, rt, {
    role: 'app',
    pod: { namespace: settings.namespace, name: settings.pod },
    identity: { kind: 'service', service: 'demo-app', version: VERSION, node: settings.node },
  });
  const signals = new SignalPublisher(bus, identity, rt.registry);
  const started = Date.now();
  const app = new DemoApp({
    host: settings.httpHost,
    port: settings.httpPort,
    version: settings.appVersion,
    identity,
    signals,
    registry: rt.registry,
    log: rt.log,
    exit,
    faults: {
      readinessFails: false,
      livenessFails: false,
      burnMs: settings.burnMs,
      readyAt: started + settings.readyAfterSeconds * 1000,
    },
  });
  const controller = new Controller(rt.log);
  controller.add(bus);
  controller.add(app);
  controller.add(new Heartbeat(signals, settings.heartbeatSeconds * 1000, settings.appVersion, started));
  if (settings.exitAfterSeconds !== undefined) {
    const code = settings.exitCode;
    const timer = setTimeout(() => {
      rt.log.warn({ code }, 'exitAfterSeconds reached: exiting');
      exit(code);
    }, settings.exitAfterSeconds * 1000);
    controller.add({ name: 'exit-timer', start: async () => {}, stop: async () => clearTimeout(timer) });
  }
  return { controller, app, bus, log: rt.log };
}

export async function runDemoApp(settings: DemoAppSettings): Promise<void> {
  const { controller, log } = createDemoApp(settings);
  await runUntilSignal(controller, log);
}
