// The simulated nodes (KWOK-managed Node objects shaped like the original demo's Raspberry Pis),
// KWOK's stage configuration, and stopping/restarting one node's heartbeat.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeClient } from './kube-client.ts';

/** Pods with this label are left by KWOK to the pod runner, which plays their kubelet. */
export const RUNNER_LABEL = 'kubeblink.io/runner';
/** KWOK manages nodes with this annotation (its usual convention). */
export const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';
/** Holder identity written into a node's Lease to stop its heartbeat (see setNodeHeartbeat). */
export const HEARTBEAT_STOPPED_HOLDER = 'kubeblink.io/heartbeat-stopped';

export interface NodeSpec {
  name: string;
  controlPlane: boolean;
  model: 'raspberrypi4' | 'raspberrypi3';
}

/** pi4-master plus `workers` Pi 3 workers: pi3-worker-1..N. */
export function nodeSpecs(workers: number): NodeSpec[] {
  const nodes: NodeSpec[] = [{ name: 'pi4-master', controlPlane: true, model: 'raspberrypi4' }];
  for (let i = 1; i <= workers; i++)
    nodes.push({ name: `pi3-worker-${i}`, controlPlane: false, model: 'raspberrypi3' });
  return nodes;
}

/** The Node object to create. Status is accepted on create (as a kubelet registers); KWOK's
 * node-initialize stage keeps what is set here (capacity, addresses, nodeInfo) and fills the rest. */
export function nodeManifest(n: NodeSpec, kubeletVersion: string, kwokPort: number): object {
  const pi4 = n.model === 'raspberrypi4';
  // Pi 4 (4 GB) control plane, Pi 3 (1 GB) workers; both quad-core arm64.
  const capacity = { cpu: '4', memory: pi4 ? '4Gi' : '1Gi', pods: '110', 'ephemeral-storage': '32Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels: {
        'kubernetes.io/arch': 'arm64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': n.name,
        'beta.kubernetes.io/arch': 'arm64',
        'beta.kubernetes.io/os': 'linux',
        'kubeblink.io/model': n.model,
        type: 'kwok',
        ...(n.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      },
      annotations: {
        [KWOK_ANNOTATION]: 'fake',
        'node.alpha.kubernetes.io/ttl': '0',
        // KWOK serves each node's resource metrics under its own path on its one port.
        'metrics.k8s.io/resource-metrics-path': `/metrics/nodes/${n.name}/metrics/resource`,
      },
    },
    spec: n.controlPlane ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {},
    status: {
      capacity,
      allocatable: capacity,
      // The node's "kubelet" really is at 127.0.0.1 (KWOK's server): the apiserver and
      // metrics-server reach it there.
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: n.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: kwokPort } },
      nodeInfo: {
        architecture: 'arm64',
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.6.51+rpt-rpi-v8',
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
      },
    },
  };
}

/** KWOK's configuration: its own default stages for its pinned version (copied from its module
 * into the cache by build.sh): node initialize + heartbeat-with-lease, and the "fast" pod stages.
 * Every pod stage gets one more selector term so that pods labelled for the runner are never
 * touched by KWOK (jq-style key; DoesNotExist is true when the label is absent). Plus KWOK's
 * kubelet-style resource metrics, with each pod's usage taken from its annotations
 * kwok.x-k8s.io/usage-cpu and kwok.x-k8s.io/usage-memory (default 1m / 1Mi): the pod runner
 * writes the measured CPU there, metrics-server scrapes it, the HPA reacts. */
export function kwokConfig(stageDir: string, metrics: boolean): string {
  const runnerTerm = `    - key: '.metadata.labels["${RUNNER_LABEL}"]'\n      operator: 'DoesNotExist'\n`;
  const anchor = '  selector:\n    matchExpressions:\n';
  const docs: string[] = [];
  const files = ['node-initialize', 'node-heartbeat-with-lease', 'pod-ready', 'pod-complete', 'pod-delete'];
  for (const f of metrics ? [...files, 'metrics-resource', 'usage-from-annotation'] : files) {
    let y = readFileSync(join(stageDir, `${f}.yaml`), 'utf8');
    if (f.startsWith('pod-')) {
      if (y.split(anchor).length !== 2) throw new Error(`${f}.yaml: unexpected layout (no single '${anchor.trim()}')`);
      y = y.replace(anchor, anchor + runnerTerm);
    }
    docs.push(y.trimEnd());
  }
  return `${docs.join('\n---\n')}\n`;
}

/** The merge patch of a node Lease's spec that stops (on=false) or restarts a heartbeat (see below);
 * for callers with a client of their own (the demo on a KWOK cluster not started here). */
export function heartbeatLeaseSpec(on: boolean): { holderIdentity: string | null; leaseDurationSeconds?: number } {
  return on
    ? { holderIdentity: null }
    : { holderIdentity: HEARTBEAT_STOPPED_HOLDER, leaseDurationSeconds: 365 * 24 * 3600 };
}

/**
 * Stops (on=false) or restarts (on=true) a node's heartbeat, for the node-failure demo.
 *
 * Nodes heartbeat through their Lease in kube-node-lease, which KWOK renews as long as it holds it
 * (holderIdentity = KWOK's id). KWOK treats a node whose lease is held by someone else as owned by
 * another KWOK instance and leaves it alone entirely: no lease renewals, no node status updates, and
 * no pod stages for pods on that node (like a dead kubelet: evicted pods stay Terminating until it
 * returns). So stopping = handing the lease to a holder that never renews it, with a long duration so
 * KWOK does not take it back; the node-lifecycle controller then sees no renewal and, after
 * --node-monitor-grace-period, marks the node Unknown (NotReady) and taints it. Restarting = clearing
 * the holder: KWOK acquires the lease at its next try (within a renew interval), and its
 * node-initialize stage sets the node Ready again.
 * (A node-stage selector on an annotation would not do: the lease alone keeps a node alive.)
 */
export async function setNodeHeartbeat(kube: KubeClient, node: string, on: boolean): Promise<void> {
  const spec = heartbeatLeaseSpec(on);
  await kube.must(
    'PATCH',
    `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${encodeURIComponent(node)}`,
    { spec },
    {
      'Content-Type': 'application/merge-patch+json',
    },
  );
}

/** True if the node's heartbeat was stopped with setNodeHeartbeat (its lease has our holder). */
export async function nodeHeartbeatStopped(kube: KubeClient, node: string): Promise<boolean> {
  const r = await kube.must(
    'GET',
    `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${encodeURIComponent(node)}`,
  );
  return r.json().spec?.holderIdentity === HEARTBEAT_STOPPED_HOLDER;
}
