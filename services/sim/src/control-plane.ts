// Command lines of the control-plane processes. Kept apart from the orchestration so the flags,
// and why each is set, can be read in one place.
import { join } from 'node:path';
import type { Pki } from './pki.ts';

export interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
  metricsServer: number;
}

/** Node-failure timing. Small clusters (the demos) notice a dead node in seconds. Large ones
 * (scale tests) renew leases at the kubelet's pace (40 s lease, every 10 s) and allow 2 minutes
 * without one: on a shared 2-core machine KWOK's 1,000 renewals fall behind, and the kubelet's
 * 50 s default then marks healthy nodes NotReady and evicts their pods. */
export interface Timing {
  leaseSeconds: number; // KWOK renews each node lease every leaseSeconds/4, like the kubelet
  gracePeriod: string; // --node-monitor-grace-period: no renewal for this long -> Unknown
}

export function timingFor(nodes: number): Timing {
  // 16 s lease -> a renewal every ~4 s, so a 16 s grace period tolerates three missed renewals.
  // (1.36 does not validate the grace period against the lease; the flag help asks for N renewals.)
  return nodes <= 50 ? { leaseSeconds: 16, gracePeriod: '16s' } : { leaseSeconds: 40, gracePeriod: '120s' };
}

export function etcdArgs(p: Ports, dataDir: string): string[] {
  const client = `http://127.0.0.1:${p.etcdClient}`;
  const peer = `http://127.0.0.1:${p.etcdPeer}`;
  return [
    '--name=sim',
    `--data-dir=${dataDir}`,
    // Plain HTTP on loopback only: the store never leaves this machine, and TLS here would add
    // nothing but start-up work.
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=sim=${peer}`,
    // The simulated cluster is disposable: skipping fsync makes 1,000-node runs far cheaper.
    '--unsafe-no-fsync',
    '--quota-backend-bytes=4294967296',
    '--log-level=warn',
  ];
}

export function apiserverArgs(p: Ports, pki: Pki): string[] {
  const c = pki.certs;
  return [
    `--etcd-servers=http://127.0.0.1:${p.etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    // The `kubernetes` Service's endpoints would be 127.0.0.1, which validation rejects (loopback)
    // every 10 s; no pod reaches the apiserver through that Service here, so leave them unmanaged.
    '--endpoint-reconciler-type=none',
    `--secure-port=${p.apiserver}`,
    `--tls-cert-file=${c.apiserver?.crt}`,
    `--tls-private-key-file=${c.apiserver?.key}`,
    `--client-ca-file=${pki.caCrt}`,
    `--kubelet-client-certificate=${c['apiserver-kubelet-client']?.crt}`,
    `--kubelet-client-key=${c['apiserver-kubelet-client']?.key}`,
    // Every node's "kubelet" is KWOK's server at the node's InternalIP (127.0.0.1), whose
    // certificate the cluster CA signed: `kubectl logs/exec` go there, verified.
    '--kubelet-preferred-address-types=InternalIP',
    `--kubelet-certificate-authority=${pki.caCrt}`,
    '--authorization-mode=Node,RBAC',
    '--service-cluster-ip-range=10.96.0.0/16',
    `--service-account-key-file=${pki.saPub}`,
    `--service-account-signing-key-file=${pki.saKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--allow-privileged=true',
    // Pods on a failed node are evicted after 10 s instead of 300 s (DefaultTolerationSeconds
    // admission adds these tolerations to every pod that does not set its own).
    '--default-not-ready-toleration-seconds=10',
    '--default-unreachable-toleration-seconds=10',
    // Aggregation layer (for metrics-server): the apiserver proxies to extension apiservers with
    // the front-proxy client certificate, trusted through the separate front-proxy CA.
    `--requestheader-client-ca-file=${pki.frontProxyCaCrt}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--proxy-client-cert-file=${c['front-proxy-client']?.crt}`,
    `--proxy-client-key-file=${c['front-proxy-client']?.key}`,
    // No --enable-aggregator-routing: endpoint routing rejects ExternalName Services, and with no
    // kube-proxy an extension apiserver is registered through an ExternalName (see sim-lifecycle.ts).
    // Room for 1,000 nodes and 10,000 pods on one machine.
    '--max-requests-inflight=1000',
    '--max-mutating-requests-inflight=500',
  ];
}

function servingArgs(port: number, kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    // Delegated authn/authz for the component's own /metrics etc.; /healthz stays anonymous.
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    // One instance of each: no leader election round trips at start-up.
    '--leader-elect=false',
  ];
}

export function controllerManagerArgs(p: Ports, pki: Pki, kubeconfig: string, t: Timing): string[] {
  return [
    ...servingArgs(p.controllerManager, kubeconfig),
    `--root-ca-file=${pki.caCrt}`,
    `--service-account-private-key-file=${pki.saKey}`,
    '--use-service-account-credentials=true',
    '--service-cluster-ip-range=10.96.0.0/16',
    `--cluster-signing-cert-file=${pki.caCrt}`,
    `--cluster-signing-key-file=${pki.caKey}`,
    // Node failure in seconds: check nodes every 2 s, give up on a silent one after the grace period.
    '--node-monitor-period=2s',
    `--node-monitor-grace-period=${t.gracePeriod}`,
    // The HPA demo reacts within seconds (default 15 s; the demos' aim: each under 60 s, issue 14).
    '--horizontal-pod-autoscaler-sync-period=2s',
    // Controllers create pods for 10,000-pod scale runs without client-side throttling.
    '--kube-api-qps=200',
    '--kube-api-burst=400',
    '--concurrent-replicaset-syncs=10',
    '--concurrent-deployment-syncs=10',
  ];
}

export function schedulerArgs(p: Ports, kubeconfig: string): string[] {
  return [...servingArgs(p.scheduler, kubeconfig), '--kube-api-qps=200', '--kube-api-burst=400'];
}

export function kwokArgs(p: Ports, pki: Pki, kubeconfig: string, stagesFile: string, t: Timing): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--config=${stagesFile}`,
    '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
    `--node-lease-duration-seconds=${t.leaseSeconds}`,
    // Pod IPs for up to 65k pods (the default /24 runs out in scale tests).
    '--cidr=10.244.0.1/16',
    // KWOK's server: /healthz, and the kubelet endpoints of every node (same port, TLS and plain).
    `--server-address=127.0.0.1:${p.kwok}`,
    '--node-ip=127.0.0.1',
    `--node-port=${p.kwok}`,
    `--tls-cert-file=${pki.certs.kwok?.crt}`,
    `--tls-private-key-file=${pki.certs.kwok?.key}`,
    // KWOK logs every lease renewal and pod patch at INFO: useful with 3 nodes, a flood with 1,000.
    ...(t.leaseSeconds > 16 ? ['-v=WARN'] : []),
  ];
}

export function metricsServerArgs(p: Ports, pki: Pki, kubeconfig: string): string[] {
  return [
    '--bind-address=127.0.0.1',
    `--secure-port=${p.metricsServer}`,
    `--tls-cert-file=${pki.certs['metrics-server']?.crt}`,
    `--tls-private-key-file=${pki.certs['metrics-server']?.key}`,
    // The admin identity: the system:metrics-server RBAC and delegated-auth bindings of a real
    // install would be extra objects with nothing to show here.
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    // Scrape KWOK's per-node endpoint: InternalIP 127.0.0.1, the node's status port, the path from
    // the node's metrics.k8s.io/resource-metrics-path annotation; its certificate is the CA's.
    '--kubelet-preferred-address-types=InternalIP',
    '--kubelet-use-node-status-port',
    `--kubelet-certificate-authority=${pki.caCrt}`,
    // The HPA demo: fresh usage every 10 s (metrics-server's minimum), which must exceed the
    // scrape timeout.
    '--metric-resolution=10s',
    '--kubelet-request-timeout=5s',
  ];
}

export function kubeconfigPath(stateDir: string, who: string): string {
  return join(stateDir, who === 'admin' ? 'kubeconfig' : `${who}.kubeconfig`);
}
