// Wiring of `kubeblink watcher` and `kubeblink record` from their settings.
import {
  busFromSettings,
  ConfigError,
  Controller,
  healthServerFromSettings,
  runUntilSignal,
  serviceRuntime,
  VERSION,
} from '@kubeblink/core';
import { KubeHttp, LeaseElector } from '@kubeblink/kube/plain';
import { type RecordSettings, validateConfig, type WatcherSettings } from '@kubeblink/schemas';
import { boundHeapGrowth } from './heap.ts';
import { RecordingWriter } from './source/recording.ts';
import { createSource } from './source/source-registry.ts';
import { Pipeline } from './watcher.ts';
import { watcherMetrics } from './watcher-metrics.ts';

export async function runWatcher(settings: WatcherSettings): Promise<void> {
  // Before anything large is allocated: the first sync is a burst of short-lived garbage.
  const v8Flags = boundHeapGrowth();
  const rt = serviceRuntime('watcher', settings);
  const metrics = watcherMetrics(rt.registry);
  const source = await createSource(settings, { log: rt.log, metrics });
  // clean: false, so that CONNACK's session-present flag tells whether the broker kept our session
  // (and with it, after a blip, its retained states); without it every reconnect republishes all.
  const bus = busFromSettings(
    settings,
    rt,
    { role: 'watcher', identity: { kind: 'watcher', version: VERSION } },
    { clean: false },
  );
  const pipeline = new Pipeline({
    cluster: settings.cluster,
    instance: rt.instance,
    bus,
    source,
    log: rt.log,
    metrics,
    maxEvents: settings.eventQueueSize,
  });
  const controller = new Controller(rt.log);
  controller.add(healthServerFromSettings(settings, rt, { ready: () => pipeline.publisher.status === 'ready' }));
  if (settings.leaseNamespace) {
    // Before the bus: a standby neither connects nor publishes (not even a last will).
    controller.add(
      new LeaseElector({
        http: await KubeHttp.load(settings.kubeconfig),
        namespace: settings.leaseNamespace,
        name: settings.leaseName ?? `kubeblink-watcher-${settings.cluster}`,
        identity: rt.instance,
        log: rt.log,
        // client-go's way: a leader that lost its lease exits at once and Kubernetes restarts it as a
        // candidate. Its last will (`offline`) comes before the new leader's `syncing`: the renew
        // deadline is shorter than the lease, so it is gone before anyone else may take over.
        onLost: () => process.exit(1),
      }),
    );
  }
  controller.add(pipeline.publisherComponent());
  controller.add(bus);
  controller.add(pipeline);
  rt.log.info(
    {
      source: settings.source,
      cluster: settings.cluster,
      broker: settings.broker,
      v8Flags,
    },
    'watcher starting',
  );
  await runUntilSignal(controller, rt.log);
}

export async function runRecord(settings: RecordSettings, file: string): Promise<void> {
  const rt = serviceRuntime('record', settings);
  const metrics = watcherMetrics(rt.registry);
  // The watcher's own informer, with the watcher schema's defaults for what record has no option for.
  const { kubeconfig, namespace, labelSelector } = settings;
  const informer = validateConfig('watcherSettings', { source: 'informer', kubeconfig, namespace, labelSelector });
  if (!informer.ok) throw new ConfigError('record settings', informer.errors);
  const source = await createSource(informer.value, { log: rt.log, metrics });
  // The header says what was recorded; null: every namespace, no selector (not a default).
  const writer = new RecordingWriter(file, {
    namespace: namespace ?? null,
    labelSelector: labelSelector ?? null,
  });
  const controller = new Controller(rt.log);
  controller.add({
    name: 'recorder',
    start: () => source.start((e) => writer.write(e)),
    stop: async () => {
      await source.stop();
      await writer.close();
      rt.log.info({ file, events: writer.count }, 'recording written');
    },
  });
  if (settings.duration) {
    setTimeout(() => process.kill(process.pid, 'SIGTERM'), settings.duration * 1000).unref();
  }
  await runUntilSignal(controller, rt.log);
}
