// Plain YAML manifests (the demos' folders under deploy/demos/), read in file-name order so a
// Namespace file named first is applied first. Kustomize is not needed for these; kustomization.yaml
// files are skipped so the same folder also works with `kubectl apply -k`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

export interface ReadOptions {
  /** Values for `${NAME}` placeholders; a placeholder without a value is an error. */
  vars?: Record<string, string>;
}

const SKIP = new Set(['kustomization.yaml', 'kustomization.yml']);

export function readManifests(path: string, o: ReadOptions = {}): KubernetesObject[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => /\.ya?ml$/.test(f) && !SKIP.has(f))
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (files.length === 0) throw new Error(`no *.yaml manifests in ${path}`);
  return files.flatMap((f) => parseFile(f, readFileSync(f, 'utf8'), o.vars ?? {}));
}

function parseFile(file: string, text: string, vars: Record<string, string>): KubernetesObject[] {
  const missing = new Set<string>();
  const filled = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) missing.add(name);
    return v ?? '';
  });
  if (missing.size) throw new Error(`${file}: no value for ${[...missing].map((m) => `\${${m}}`).join(', ')}`);
  const objs: KubernetesObject[] = [];
  for (const doc of parseAllDocuments(filled)) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const obj = doc.toJS() as KubernetesObject | null;
    if (obj === null) continue; // an empty document (a trailing ---)
    const problems = [
      typeof obj.apiVersion === 'string' ? '' : 'apiVersion',
      typeof obj.kind === 'string' ? '' : 'kind',
      typeof obj.metadata?.name === 'string' ? '' : 'metadata.name',
    ].filter(Boolean);
    if (problems.length) throw new Error(`${file}: an object without ${problems.join(', ')}`);
    objs.push(obj);
  }
  return objs;
}
