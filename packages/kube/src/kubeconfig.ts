// The project's kubeconfig reader: which file (the one given; else, in a pod, its ServiceAccount; else
// cluster-discovery.ts's: the first of $KUBECONFIG, the running simulated cluster, ~/.kube/config) and the credentials of its current context, applied
// to plain node:https requests (kube-http.ts). Why not client-node's KubeConfig: loading
// @kubernetes/client-node costs about 50 MB of RSS, a third of the watcher's memory aim (issue 13:
// the watcher's sync bench, services/watcher/bench/sync.bench.ts). Client certificates, tokens and
// basic auth are read here; only a user that needs an exec plugin or an auth-provider is handed to
// client-node's KubeConfig, loaded then. The services that use client-node's API classes anyway
// take its KubeConfig from client-node-config.ts.
import { readFileSync } from 'node:fs';
import { Agent, type RequestOptions } from 'node:https';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { findKubeconfig, NoClusterFound } from './cluster-discovery.ts';

export interface ApiAuth {
  server: URL;
  /** Adds credentials (headers, agent) to a request; called per request so rotated tokens are read. */
  apply(opts: RequestOptions): Promise<void>;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

interface Named<T> {
  name: string;
  [key: string]: T | string;
}
type Obj = Record<string, unknown>;

/** The kubeconfig file used when none is given (cluster-discovery.ts): the first of $KUBECONFIG, else the
 * running simulated cluster's, else ~/.kube/config (also when that does not exist: the caller says so). */
export function defaultKubeconfigPath(): string {
  try {
    return findKubeconfig().file;
  } catch (err) {
    if (err instanceof NoClusterFound) return join(homedir(), '.kube', 'config');
    throw err;
  }
}

/** A kubeconfig file; else the pod's ServiceAccount when in a cluster; else defaultKubeconfigPath(). */
export async function loadAuth(kubeconfig?: string): Promise<ApiAuth> {
  if (!kubeconfig && process.env.KUBERNETES_SERVICE_HOST) return inCluster();
  const file = findKubeconfig({ kubeconfig }).file; // none at all: NoClusterFound says what to do
  const doc = parseYaml(readFileSync(file, 'utf8')) as Obj;
  const pick = (list: unknown, name: unknown, what: string): Obj => {
    const found = (list as Named<Obj>[] | undefined)?.find((x) => x.name === name);
    if (!found) throw new Error(`kubeconfig ${file}: no ${what} named ${JSON.stringify(name)}`);
    return (found[what] as Obj | undefined) ?? {};
  };
  const context = pick(doc.contexts, doc['current-context'], 'context');
  const cluster = pick(doc.clusters, context.cluster, 'cluster');
  const user = context.user ? pick(doc.users, context.user, 'user') : {};
  if (user.exec || user['auth-provider']) return clientNodeAuth(file);
  const base = dirname(file);
  const read = (dataKey: string, fileKey: string, from: Obj): Buffer | undefined => {
    if (typeof from[dataKey] === 'string') return Buffer.from(from[dataKey] as string, 'base64');
    if (typeof from[fileKey] === 'string') {
      const p = from[fileKey] as string;
      return readFileSync(isAbsolute(p) ? p : join(base, p));
    }
    return undefined;
  };
  const agent = new Agent({
    keepAlive: true,
    ca: read('certificate-authority-data', 'certificate-authority', cluster),
    cert: read('client-certificate-data', 'client-certificate', user),
    key: read('client-key-data', 'client-key', user),
    rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true,
    servername: typeof cluster['tls-server-name'] === 'string' ? (cluster['tls-server-name'] as string) : undefined,
  });
  const tokenFile = typeof user.tokenFile === 'string' ? (user.tokenFile as string) : undefined;
  return {
    server: new URL(String(cluster.server)),
    async apply(opts) {
      opts.agent = agent;
      const token = tokenFile ? readFileSync(tokenFile, 'utf8').trim() : (user.token as string | undefined);
      const headers = (opts.headers ?? {}) as Record<string, string>;
      if (token) headers.authorization = `Bearer ${token}`;
      else if (user.username) opts.auth = `${user.username}:${user.password ?? ''}`;
      opts.headers = headers;
    },
  };
}

/** The pod's ServiceAccount: the token is re-read for every request (kubelet rotates it). */
function inCluster(): ApiAuth {
  const host = process.env.KUBERNETES_SERVICE_HOST as string;
  const port = process.env.KUBERNETES_SERVICE_PORT ?? '443';
  const agent = new Agent({ keepAlive: true, ca: readFileSync(join(SA_DIR, 'ca.crt')) });
  return {
    server: new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`),
    async apply(opts) {
      opts.agent = agent;
      opts.headers = {
        ...(opts.headers as Record<string, string>),
        authorization: `Bearer ${readFileSync(join(SA_DIR, 'token'), 'utf8').trim()}`,
      };
    },
  };
}

async function clientNodeAuth(file: string): Promise<ApiAuth> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kubeConfigAuth(kc, `kubeconfig ${file}`);
}

/** The credentials of client-node's KubeConfig (a process that has one already, the pod runner). */
export function kubeConfigAuth(kc: KubeConfig, what = 'the kubeconfig'): ApiAuth {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`${what}: no current cluster`);
  return {
    server: new URL(cluster.server),
    apply: (opts) => kc.applyToHTTPSOptions(opts),
  };
}
