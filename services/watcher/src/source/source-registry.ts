// The sources the watcher can run on, by name (--source). The informer is loaded lazily: a replay of
// a recording never loads the Kubernetes client.
import type { Logger } from '@kubeblink/core';
import type { WatcherSettings } from '@kubeblink/schemas';
import type { WatcherMetrics } from '../watcher-metrics.ts';
import { RecordingSource } from './recording.ts';
import type { Source } from './source-types.ts';

export interface SourceDeps {
  log: Logger;
  metrics: WatcherMetrics;
}

export type SourceFactory = (settings: WatcherSettings, deps: SourceDeps) => Promise<Source>;

export class SourceConfigError extends Error {
  override name = 'SourceConfigError';
}

export const sourceRegistry: Record<WatcherSettings['source'], SourceFactory> = {
  informer: async (s, deps) => {
    const { InformerSource } = await import('./informer.ts');
    return new InformerSource({
      kubeconfig: s.kubeconfig,
      namespace: s.namespace,
      labelSelector: s.labelSelector,
      pageSize: s.pageSize,
      watchTimeoutSeconds: s.watchTimeout,
      watchdogSeconds: s.watchdog,
      relistIntervalSeconds: s.relistInterval,
      ...deps,
    });
  },
  recording: async (s, deps) => {
    if (!s.recording) throw new SourceConfigError('--source recording needs --recording FILE');
    return new RecordingSource({ file: s.recording, speed: s.speed, log: deps.log });
  },
};

export async function createSource(settings: WatcherSettings, deps: SourceDeps): Promise<Source> {
  const factory = sourceRegistry[settings.source];
  if (!factory) throw new SourceConfigError(`unknown source ${settings.source}`);
  return factory(settings, deps);
}
