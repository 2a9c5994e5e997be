// Builders of crafted Pod and Node objects for the unit tests: as the API serves them (JSON, RFC 3339
// timestamps), with only the fields a case needs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerStatus, Node, Pod } from '../src/derive/kube-types.ts';

export const T0 = '2026-11-29T06:00:00Z';
export const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString().replace('.000', '');

export interface PodOpts {
  name?: string;
  uid?: string;
  rv?: string;
  node?: string;
  phase?: string;
  reason?: string;
  message?: string;
  containers?: string[];
  init?: string[];
  sidecars?: string[];
  statuses?: ContainerStatus[];
  initStatuses?: ContainerStatus[];
  conditions?: Record<string, string | [string, string]>;
  deletionTimestamp?: string;
  readinessGates?: string[];
  owner?: { kind: string; name: string };
  labels?: Record<string, string>;
  ip?: string;
}

export function pod(o: PodOpts = {}): Pod {
  const sidecars = new Set(o.sidecars ?? []);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name ?? 'web-1',
      namespace: 'demo',
      uid: o.uid ?? 'uid-1',
      resourceVersion: o.rv ?? '100',
      creationTimestamp: T0,
      labels: o.labels ?? { app: 'web' },
      ...(o.deletionTimestamp ? { deletionTimestamp: o.deletionTimestamp } : {}),
      ...(o.owner
        ? { ownerReferences: [{ apiVersion: 'apps/v1', ...o.owner, uid: 'owner-uid', controller: true }] }
        : {}),
    },
    spec: {
      ...(o.node ? { nodeName: o.node } : {}),
      initContainers: (o.init ?? []).map((name) => ({
        name,
        image: `img/${name}:1`,
        ...(sidecars.has(name) ? { restartPolicy: 'Always' } : {}),
      })),
      containers: (o.containers ?? ['app']).map((name) => ({ name, image: `img/${name}:1` })),
      ...(o.readinessGates ? { readinessGates: o.readinessGates.map((conditionType) => ({ conditionType })) } : {}),
    },
    status: {
      phase: o.phase ?? 'Pending',
      ...(o.reason ? { reason: o.reason } : {}),
      ...(o.message ? { message: o.message } : {}),
      ...(o.ip ? { podIP: o.ip, podIPs: [{ ip: o.ip }] } : {}),
      conditions: Object.entries(o.conditions ?? {}).map(([type, v]) => {
        const [status, reason] = Array.isArray(v) ? v : [v, undefined];
        return { type, status, ...(reason ? { reason } : {}) };
      }),
      ...(o.statuses ? { containerStatuses: o.statuses } : {}),
      ...(o.initStatuses ? { initContainerStatuses: o.initStatuses } : {}),
    },
  };
}

type StateSpec =
  | { running: string }
  | { waiting: string; message?: string }
  | { terminated: string | null; exitCode?: number; signal?: number; finishedAt?: string };

export function cs(
  name: string,
  state: StateSpec | null,
  o: { ready?: boolean; restarts?: number; started?: boolean; last?: StateSpec & { terminated: string | null } } = {},
): ContainerStatus {
  const conv = (s: StateSpec | null | undefined) => {
    if (!s) return {};
    if ('running' in s) return { running: { startedAt: s.running } };
    if ('waiting' in s) return { waiting: { reason: s.waiting, ...(s.message ? { message: s.message } : {}) } };
    return {
      terminated: {
        ...(s.terminated ? { reason: s.terminated } : {}),
        exitCode: s.exitCode ?? 0,
        ...(s.signal ? { signal: s.signal } : {}),
        finishedAt: s.finishedAt ?? T0,
      },
    };
  };
  return {
    name,
    image: `img/${name}:1`,
    imageID: '',
    ready: o.ready ?? false,
    restartCount: o.restarts ?? 0,
    ...(o.started !== undefined ? { started: o.started } : {}),
    state: conv(state),
    ...(o.last ? { lastState: conv(o.last) } : {}),
  };
}

export interface NodeOpts {
  name?: string;
  uid?: string;
  rv?: string;
  ready?: 'True' | 'False' | 'Unknown' | null;
  reason?: string;
  unschedulable?: boolean;
  labels?: Record<string, string>;
}

export function node(o: NodeOpts = {}): Node {
  const ready = o.ready === undefined ? 'True' : o.ready;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: o.name ?? 'pi3-worker-1',
      uid: o.uid ?? 'node-uid-1',
      resourceVersion: o.rv ?? '10',
      creationTimestamp: T0,
      labels: o.labels ?? { 'kubernetes.io/hostname': o.name ?? 'pi3-worker-1' },
    },
    spec: { ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: {
      conditions: ready === null ? [] : [{ type: 'Ready', status: ready, ...(o.reason ? { reason: o.reason } : {}) }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.2' }],
      nodeInfo: {
        kubeletVersion: 'v1.36.5',
        osImage: 'Debian',
        kernelVersion: '6.12',
        containerRuntimeVersion: 'containerd://2.1',
        architecture: 'arm64',
        bootID: '',
        machineID: '',
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        systemUUID: '',
      },
      capacity: { cpu: '4', memory: '1Gi', pods: '110' },
    },
  };
}

/** A private temporary directory, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
