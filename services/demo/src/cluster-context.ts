// The demo context on a cluster: manifests applied and deleted with @kubeblink/kube, and the few
// things that differ between the simulated cluster and a real one (a node's failure, reaching a pod's
// fault controls, the hpa demo's load).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runLoad } from '@kubeblink/demo-app/load';
import { applyObjects, deleteObjects, waitGone } from '@kubeblink/kube';
import { ENDPOINT_ANNOTATION } from '@kubeblink/pod-runner';
import { heartbeatLeaseSpec, KWOK_ANNOTATION, setNodeHeartbeat, simClient } from '@kubeblink/sim';
import {
  CoordinationV1Api,
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { BusView, DemoContext } from './demo.ts';
import type { Cleanups, DemoIO } from './step-runner.ts';

/** The hpa demo's load generator (deploy/demos/hpa/load-generator.yaml), applied only on a real cluster. */
export const LOAD_GENERATOR = 'load-generator';

/** The simulated cluster: its kubeconfig's cluster name, or nodes played by KWOK. */
export async function detectSim(kc: KubeConfig): Promise<boolean> {
  if (kc.getCurrentCluster()?.name === 'kubeblink-sim') return true;
  const nodes = await kc.makeApiClient(CoreV1Api).listNode();
  return nodes.items.some((n) => n.metadata?.annotations?.[KWOK_ANNOTATION] !== undefined);
}

/** `kubeblink sim up` writes its kubeconfig into its state directory, beside state.json. */
function simStateDir(kubeconfigPath: string | undefined): string | undefined {
  if (!kubeconfigPath || kubeconfigPath.includes(':')) return undefined;
  const dir = dirname(kubeconfigPath);
  return existsSync(join(dir, 'state.json')) ? dir : undefined;
}

export interface ClusterContextOptions {
  kc: KubeConfig;
  /** The kubeconfig file, to find the simulated cluster's state directory. */
  kubeconfigPath?: string;
  sim: boolean;
  namespace: string;
  objects: KubernetesObject[];
  bus: BusView;
  cleanups: Cleanups;
  io: DemoIO;
}

export class ClusterContext implements DemoContext {
  readonly sim: boolean;
  readonly namespace: string;
  readonly objects: readonly KubernetesObject[];
  readonly bus: BusView;
  private readonly o: ClusterContextOptions;
  private readonly core: CoreV1Api;
  private applied = false;
  private readonly stoppedNodes = new Set<string>();
  private load: { abort: AbortController; done: Promise<unknown> } | undefined;

  constructor(o: ClusterContextOptions) {
    this.o = o;
    this.sim = o.sim;
    this.namespace = o.namespace;
    this.objects = o.objects;
    this.bus = o.bus;
    this.core = o.kc.makeApiClient(CoreV1Api);
  }

  say(text: string): void {
    this.o.io.out(text);
  }

  defer(what: string, fn: () => Promise<void>): void {
    this.o.cleanups.defer(what, fn);
  }

  async apply(objs: readonly KubernetesObject[]): Promise<void> {
    if (!this.applied) {
      this.applied = true;
      // Registered first, so it runs last: nodes come back (and load stops) before the delete.
      this.defer(`delete the demo's objects (namespace ${this.namespace})`, () => this.remove(this.objects));
    }
    await applyObjects(this.o.kc, objs);
    this.say(`  applied ${objs.map((x) => `${x.kind}/${x.metadata?.name}`).join(', ')}`);
  }

  async remove(objs: readonly KubernetesObject[]): Promise<void> {
    await deleteObjects(this.o.kc, objs);
    await waitGone(this.o.kc, objs, { timeoutMs: 300_000 });
  }

  async deletePod(name: string): Promise<void> {
    await this.core.deleteNamespacedPod({ name, namespace: this.namespace });
    this.say(`  deleted pod ${name}`);
  }

  async stopNode(node: string): Promise<void> {
    if (this.stoppedNodes.size === 0) {
      this.defer('bring the stopped nodes back', async () => {
        for (const n of [...this.stoppedNodes]) await this.startNode(n);
      });
    }
    this.stoppedNodes.add(node);
    if (this.sim) {
      await this.heartbeat(node, false);
      this.say(`  stopped the heartbeat of ${node} (as if its kubelet died)`);
      return;
    }
    this.say(
      `  >>> Now stop the kubelet on ${node}: \`sudo systemctl stop k3s-agent\` on a k3s worker` +
        ` (\`sudo systemctl stop kubelet\` elsewhere). The demo goes on once the bus shows ${node} not ready.`,
    );
  }

  async startNode(node: string): Promise<void> {
    if (!this.stoppedNodes.delete(node)) return;
    if (this.sim) {
      await this.heartbeat(node, true);
      this.say(`  restarted the heartbeat of ${node}`);
      return;
    }
    this.say(
      `  >>> Now start the kubelet on ${node} again: \`sudo systemctl start k3s-agent\` (or kubelet).` +
        ' The demo goes on once the bus shows it Ready.',
    );
  }

  async crashPod(pod: string): Promise<void> {
    if (this.sim) {
      // The pod runner publishes where each pod's process listens (docs/simulated-cluster.md, "The pod runner").
      const p = await this.core.readNamespacedPod({ name: pod, namespace: this.namespace });
      const ep = p.metadata?.annotations?.[ENDPOINT_ANNOTATION];
      if (!ep) throw new Error(`pod ${pod} has no ${ENDPOINT_ANNOTATION} annotation: is the pod runner running?`);
      const res = await fetch(`http://${ep}/fault/exit`, { method: 'POST' });
      await res.text();
      if (res.status !== 202) throw new Error(`POST /fault/exit to ${pod} answered ${res.status}`);
    } else {
      // The API server's proxy to the pod: no port-forward, the kubeconfig's credentials are enough.
      await this.core.connectPostNamespacedPodProxyWithPath({
        name: `${pod}:8080`,
        namespace: this.namespace,
        path: 'fault/exit',
      });
    }
    this.say(`  POST /fault/exit to ${pod}: its process exits with code 1`);
  }

  async startLoad(): Promise<void> {
    if (this.load) return;
    this.defer('stop the load', () => this.stopLoad());
    if (!this.sim) {
      const gen = this.objects.filter((x) => x.metadata?.name === LOAD_GENERATOR);
      const abort = new AbortController();
      this.load = { abort, done: Promise.resolve() };
      await applyObjects(this.o.kc, gen);
      this.say('  started the load generator: 20 requests a second to the Service web');
      return;
    }
    // The simulated cluster has no cluster network: the pod runner gives each Service a local port.
    const svc = await this.core.readNamespacedService({ name: 'web', namespace: this.namespace });
    const ep = svc.metadata?.annotations?.[ENDPOINT_ANNOTATION];
    if (!ep) throw new Error(`Service web has no ${ENDPOINT_ANNOTATION} annotation: is the pod runner running?`);
    const abort = new AbortController();
    const done = runLoad({ url: `http://${ep}/`, rps: 20, durationSeconds: 3600, signal: abort.signal });
    this.load = { abort, done: done.catch(() => undefined) };
    this.say(`  sending 20 requests a second to the Service web (${ep}) from this process`);
  }

  async stopLoad(): Promise<void> {
    const load = this.load;
    if (!load) return;
    this.load = undefined;
    load.abort.abort();
    await load.done;
    if (!this.sim) await this.remove(this.objects.filter((x) => x.metadata?.name === LOAD_GENERATOR));
    this.say('  load stopped');
  }

  /** The sim's own setNodeHeartbeat with its admin client; for a KWOK cluster not started here, the same Lease hand-over. */
  private async heartbeat(node: string, on: boolean): Promise<void> {
    const stateDir = simStateDir(this.o.kubeconfigPath);
    if (stateDir) {
      const kube = simClient({ stateDir });
      try {
        await setNodeHeartbeat(kube, node, on);
      } finally {
        kube.close();
      }
      return;
    }
    const spec = heartbeatLeaseSpec(on);
    await this.o.kc
      .makeApiClient(CoordinationV1Api)
      .patchNamespacedLease(
        { name: node, namespace: 'kube-node-lease', body: { spec } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
  }
}
