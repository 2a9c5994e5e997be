// metrics-server's registration with the aggregation layer (its process is started by sim-lifecycle.ts
// with the flags in control-plane.ts).
import { readFileSync } from 'node:fs';
import type { KubeClient } from './kube-client.ts';

/** Registers metrics-server with the aggregation layer the way kwokctl does: an ExternalName
 * Service (endpoints may not be loopback addresses; an ExternalName may be 127.0.0.1) and the
 * v1beta1.metrics.k8s.io APIService. `kubectl top` works after the first scrape (~10 s); `up`
 * does not wait for it. */
export async function registerMetricsServer(k: KubeClient, port: number, caFile: string): Promise<void> {
  await k.must('POST', '/api/v1/namespaces/kube-system/services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'metrics-server', namespace: 'kube-system' },
    spec: { type: 'ExternalName', externalName: '127.0.0.1', ports: [{ name: 'https', port, protocol: 'TCP' }] },
  });
  await k.must('POST', '/apis/apiregistration.k8s.io/v1/apiservices', {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1beta1.metrics.k8s.io' },
    spec: {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      service: { namespace: 'kube-system', name: 'metrics-server', port },
      caBundle: readFileSync(caFile).toString('base64'),
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
  });
}
