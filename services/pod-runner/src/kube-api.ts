// The pod runner's API calls through @kubernetes/client-node: status patches, the final delete,
// TokenRequests, ConfigMaps/Secrets for env, and the informers it watches.
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  type KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1Lease,
  type V1Node,
  type V1Pod,
  type V1Service,
} from '@kubernetes/client-node';
import type { EnvSources } from './env.ts';
import type { PodApi } from './pod.ts';

export const RUNNER_LABEL = 'kubeblink.io/runner';
export const RUNNER_SELECTOR = `${RUNNER_LABEL}=true`;
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export const notFound = (err: unknown) => err instanceof ApiException && err.code === 404;
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const FIELD_MANAGER = 'kubeblink-pod-runner';

export interface RunnerApi extends PodApi {
  patchServiceAnnotations(svc: V1Service, annotations: Record<string, string | null>): Promise<void>;
}

export function kubeApi(kc: KubeConfig): RunnerApi {
  const core = kc.makeApiClient(CoreV1Api);
  const id = (pod: V1Pod) => ({ name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '' });
  return {
    async patchServiceAnnotations(svc, annotations) {
      const name = svc.metadata?.name ?? '';
      const namespace = svc.metadata?.namespace ?? '';
      await core.patchNamespacedService(
        { name, namespace, body: { metadata: { annotations } }, fieldManager: FIELD_MANAGER },
        merge,
      );
    },
    async patchStatus(pod, status) {
      try {
        await core.patchNamespacedPodStatus({ ...id(pod), body: { status }, fieldManager: FIELD_MANAGER }, strategic);
        return true;
      } catch (err) {
        if (notFound(err)) return false;
        throw err;
      }
    },
    async patchAnnotations(pod, annotations) {
      try {
        await core.patchNamespacedPod(
          { ...id(pod), body: { metadata: { annotations } }, fieldManager: FIELD_MANAGER },
          merge,
        );
      } catch (err) {
        if (!notFound(err)) throw err;
      }
    },
    async deletePod(pod) {
      try {
        await core.deleteNamespacedPod({
          ...id(pod),
          gracePeriodSeconds: 0,
          body: { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } },
        });
      } catch (err) {
        // Gone already, or replaced by a pod of the same name (a StatefulSet's): not ours to delete.
        if (!notFound(err) && !(err instanceof ApiException && err.code === 409)) throw err;
      }
    },
    async requestToken(pod, audience, seconds) {
      const tr = await core.createNamespacedServiceAccountToken({
        name: pod.spec?.serviceAccountName || 'default',
        namespace: pod.metadata?.namespace ?? '',
        body: {
          spec: {
            audiences: [audience],
            expirationSeconds: seconds,
            boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name, uid: pod.metadata?.uid },
          },
        },
      });
      const token = tr.status?.token;
      if (!token) throw new Error('TokenRequest returned no token');
      return { token, expiresAt: new Date(tr.status?.expirationTimestamp ?? Date.now() + seconds * 1000) };
    },
    envSources(namespace): EnvSources {
      return {
        async configMap(name) {
          try {
            return (await core.readNamespacedConfigMap({ name, namespace })).data ?? {};
          } catch (err) {
            if (notFound(err)) return undefined;
            throw err;
          }
        },
        async secret(name) {
          try {
            const data = (await core.readNamespacedSecret({ name, namespace })).data ?? {};
            return Object.fromEntries(
              Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
            );
          } catch (err) {
            if (notFound(err)) return undefined;
            throw err;
          }
        },
      };
    },
  };
}

export function informers(kc: KubeConfig) {
  const core = kc.makeApiClient(CoreV1Api);
  const coord = kc.makeApiClient(CoordinationV1Api);
  return {
    pods: makeInformer<V1Pod>(
      kc,
      '/api/v1/pods',
      () => core.listPodForAllNamespaces({ labelSelector: RUNNER_SELECTOR }),
      RUNNER_SELECTOR,
    ),
    nodes: makeInformer<V1Node>(kc, '/api/v1/nodes', () => core.listNode()),
    leases: makeInformer<V1Lease>(kc, `/apis/coordination.k8s.io/v1/namespaces/${NODE_LEASE_NAMESPACE}/leases`, () =>
      coord.listNamespacedLease({ namespace: NODE_LEASE_NAMESPACE }),
    ),
    services: makeInformer<V1Service>(kc, '/api/v1/services', () => core.listServiceForAllNamespaces()),
  };
}
