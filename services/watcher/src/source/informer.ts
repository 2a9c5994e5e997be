// The live source: one reflector for pods (namespace and label selector, on both list and watch)
// and one for nodes, against the kube-apiserver of a kubeconfig or the pod's ServiceAccount.
// RBAC: get/list/watch on pods and nodes is all it needs.
import type { Logger } from '@kubeblink/core';
import { KubeHttp } from '@kubeblink/kube/plain';
import type { WatcherMetrics } from '../watcher-metrics.ts';
import { Reflector } from './reflector.ts';
import type { Source, SourceListener } from './source-types.ts';

export interface InformerSourceOptions {
  kubeconfig?: string;
  namespace?: string;
  labelSelector?: string;
  pageSize: number;
  watchTimeoutSeconds: number;
  watchdogSeconds: number;
  relistIntervalSeconds: number;
  log: Logger;
  metrics: WatcherMetrics;
  backoff?: { minMs: number; maxMs: number };
}

export class InformerSource implements Source {
  readonly name = 'informer';
  private readonly o: InformerSourceOptions;
  readonly reflectors: Reflector[] = [];

  constructor(o: InformerSourceOptions) {
    this.o = o;
  }

  async start(listener: SourceListener): Promise<void> {
    const http = await KubeHttp.load(this.o.kubeconfig);
    this.o.log.info({ server: http.server.origin, namespace: this.o.namespace ?? '(all)' }, 'watching the API');
    const common = {
      pageSize: this.o.pageSize,
      watchTimeoutSeconds: this.o.watchTimeoutSeconds,
      watchdogSeconds: this.o.watchdogSeconds,
      relistIntervalSeconds: this.o.relistIntervalSeconds,
      http,
      emit: listener,
      log: this.o.log,
      metrics: this.o.metrics,
      backoff: this.o.backoff,
    };
    const podsPath = this.o.namespace
      ? `/api/v1/namespaces/${encodeURIComponent(this.o.namespace)}/pods`
      : '/api/v1/pods';
    this.reflectors.push(
      new Reflector({ ...common, kind: 'nodes', path: '/api/v1/nodes' }),
      new Reflector({ ...common, kind: 'pods', path: podsPath, labelSelector: this.o.labelSelector }),
    );
    for (const r of this.reflectors) r.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.reflectors.splice(0).map((r) => r.stop()));
  }
}
