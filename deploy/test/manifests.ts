// Shared by the deploy tests: find a kubectl, render an overlay with `kubectl kustomize`, and walk
// the rendered objects' pod templates.
import { execFileSync } from 'node:child_process';
import { existsSync, globSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const DEPLOY_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = join(DEPLOY_DIR, '..');

/** The overlays a user applies, by the directory under deploy/. */
export const OVERLAYS = { pi: '.', raspi: 'overlays/raspi', sim: 'overlays/sim' } as const;
export type OverlayName = keyof typeof OVERLAYS;

/**
 * The kubectl to use: $KUBECTL, else the newest complete build of the simulated cluster's pinned
 * kubectl (1.36, in ${KUBEBLINK_CACHE:-~/.cache/kubeblink}/bin-<key>/), else `kubectl` on the PATH.
 */
export function findKubectl(): string {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  const cache = process.env.KUBEBLINK_CACHE ?? join(homedir(), '.cache', 'kubeblink');
  const built = globSync('bin-*/kubectl', { cwd: cache })
    .map((p) => join(cache, p))
    .filter((p) => existsSync(join(dirname(p), '.complete')))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return built[0] ?? 'kubectl';
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are checked field by field
  [key: string]: any;
}

export function renderYaml(overlay: OverlayName, dir = DEPLOY_DIR): string {
  return execFileSync(findKubectl(), ['kustomize', join(dir, OVERLAYS[overlay])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`invalid YAML: ${d.errors[0]?.message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

export function render(overlay: OverlayName, dir = DEPLOY_DIR): K8sObject[] {
  return parseObjects(renderYaml(overlay, dir));
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} among ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

const WORKLOADS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'Job']);

export interface PodTemplate {
  owner: K8sObject;
  // biome-ignore lint/suspicious/noExplicitAny: a PodSpec as rendered
  spec: any;
  // biome-ignore lint/suspicious/noExplicitAny: a Container as rendered
  containers: any[];
}

export function podTemplates(objects: K8sObject[]): PodTemplate[] {
  return objects
    .filter((o) => WORKLOADS.has(o.kind))
    .map((o) => {
      const spec = o.spec.template.spec;
      return { owner: o, spec, containers: [...(spec.initContainers ?? []), ...spec.containers] };
    });
}

export function kubectl(args: string[], opts: { kubeconfig?: string; input?: string } = {}): string {
  return execFileSync(findKubectl(), args, {
    encoding: 'utf8',
    input: opts.input,
    env: { ...process.env, ...(opts.kubeconfig ? { KUBECONFIG: opts.kubeconfig } : {}) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}
