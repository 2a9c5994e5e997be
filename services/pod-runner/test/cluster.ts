// Test support: a simulated cluster (the sim package's simUp in a temporary state dir, or an
// already running one named by KUBEBLINK_TEST_KUBECONFIG), the pod runner in-process, and the
// API objects of the demo app as a user would write them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simUnbuildable } from '@kubeblink/test/support/sim';
import {
  AppsV1Api,
  AuthenticationV1Api,
  AutoscalingV2Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Container,
  type V1Deployment,
  type V1Pod,
} from '@kubernetes/client-node';
import { HEARTBEAT_STOPPED_HOLDER, type RunningPodRunner, startPodRunner } from '../src/index.ts';

export interface TestCluster {
  kubeconfig: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  hpa: AutoscalingV2Api;
  auth: AuthenticationV1Api;
  runner: RunningPodRunner;
  /** Stops the runner and starts a new one (its processes go with it, as on a node reboot). */
  restartRunner(): Promise<void>;
  /** Stops (false) or restarts (true) a node's heartbeat, with the sim's own function. */
  heartbeat(node: string, on: boolean): Promise<void>;
  stop(): Promise<void>;
}

// The sim package joins this repository on its own branch; imported by name so this file
// type-checks either way.
const SIM = '@kubeblink/sim';

/** Why the cluster tests cannot run here, or undefined if they can. */
export async function clusterUnavailable(): Promise<string | undefined> {
  if (process.env.KUBEBLINK_TEST_KUBECONFIG) return undefined;
  try {
    await import(SIM);
  } catch {
    return `${SIM} is not in this checkout and KUBEBLINK_TEST_KUBECONFIG is not set`;
  }
  // Not built and nothing to build it with: a skip in the run's summary (a failure under CI).
  return simUnbuildable() || undefined;
}

export async function testCluster(opts: { broker?: string; cluster?: string } = {}): Promise<TestCluster> {
  const tmp = mkdtempSync(join(tmpdir(), 'kubeblink-runner-'));
  let kubeconfig = process.env.KUBEBLINK_TEST_KUBECONFIG;
  // biome-ignore lint/suspicious/noExplicitAny: the sim's types are not visible to this package
  let sim: any;
  const stateDir = join(tmp, 'sim');
  if (!kubeconfig) {
    sim = await import(SIM);
    kubeconfig = (await sim.simUp({ stateDir, log: () => {} })).kubeconfig as string;
  }
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const coord = kc.makeApiClient(CoordinationV1Api);
  const settings = {
    kubeconfig,
    stateDir: join(tmp, 'runner'),
    backoffBaseSeconds: 2,
    backoffMaxSeconds: 20,
    syncSeconds: 1,
    usageSeconds: 2,
    logLevel: 'warn' as const,
    ...opts,
  };
  const cluster: TestCluster = {
    kubeconfig,
    core,
    apps: kc.makeApiClient(AppsV1Api),
    hpa: kc.makeApiClient(AutoscalingV2Api),
    auth: kc.makeApiClient(AuthenticationV1Api),
    runner: await startPodRunner(settings),
    async restartRunner() {
      await cluster.runner.stop();
      cluster.runner = await startPodRunner(settings);
    },
    async heartbeat(node, on) {
      if (sim) {
        const kube = sim.simClient({ stateDir });
        try {
          await sim.setNodeHeartbeat(kube, node, on);
        } finally {
          kube.close();
        }
        return;
      }
      // An outside cluster: the same lease hand-over the sim does (services/sim/src/nodes.ts).
      const spec = on
        ? { holderIdentity: null }
        : { holderIdentity: HEARTBEAT_STOPPED_HOLDER, leaseDurationSeconds: 31_536_000 };
      await coord.patchNamespacedLease(
        { name: node, namespace: 'kube-node-lease', body: { spec } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    },
    async stop() {
      await cluster.runner.stop();
      if (sim) await sim.simDown({ stateDir, log: () => {} });
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** The demo app's container as the deploy manifests write it: downward-API identity, probes. */
export function demoContainer(extra: Partial<V1Container> = {}): V1Container {
  return {
    name: 'app',
    image: 'kubeblink/demo-app:v1',
    ports: [{ name: 'http', containerPort: 8080 }],
    env: [
      { name: 'KUBEBLINK_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'KUBEBLINK_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'KUBEBLINK_NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'KUBEBLINK_LOG_LEVEL', value: 'warn' },
    ],
    // A slow start (a busy machine) is the startup probe's business, so liveness can be quick.
    startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1, failureThreshold: 120 },
    readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 1, failureThreshold: 1 },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1, failureThreshold: 2 },
    ...extra,
  };
}

export function deployment(name: string, namespace: string, replicas: number, c: V1Container): V1Deployment {
  const labels = { app: name, 'kubeblink.io/runner': 'true' };
  return {
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels }, spec: { containers: [c], terminationGracePeriodSeconds: 5 } },
    },
  };
}

export function pod(name: string, namespace: string, c: V1Container): V1Pod {
  return {
    metadata: { name, namespace, labels: { app: name, 'kubeblink.io/runner': 'true' } },
    spec: { containers: [c], terminationGracePeriodSeconds: 5 },
  };
}

export async function pods(core: CoreV1Api, namespace: string, app: string): Promise<V1Pod[]> {
  return (await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` })).items;
}

export const isReady = (p: V1Pod) =>
  p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** POSTs to a pod's own process (the demo app's fault controls). */
export async function poke(port: number, path: string): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST' });
  await r.text();
  return r.status;
}
