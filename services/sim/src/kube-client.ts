// The simulated cluster's own Kubernetes API client (node:https with the admin client certificate of
// pki.ts). Why not @kubeblink/kube's KubeHttp or client-node: the sim talks to its apiserver before
// any kubeconfig exists (it writes the kubeconfig, kubeconfigFor below, from the same files), and it
// is the fixture the other two clients are tested against (the watcher's reflector and Lease, the pod
// runner's client-node calls), so it shares no code with them: a bug in theirs cannot hide itself in
// the tests. It only creates nodes, patches leases and polls, and hands tests the raw status and body,
// with any content type they set (merge patches). maxSockets 32: the nodes are created 16 at a time
// (cluster.ts) while tests share the same client.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';

export interface KubeResponse {
  status: number;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: API objects are untyped JSON here
  json(): any;
}

export interface KubeClientOpts {
  server: string; // https://127.0.0.1:port
  caFile: string;
  certFile: string;
  keyFile: string;
}

export class KubeClient {
  readonly server: string;
  readonly #agent: Agent;

  constructor(o: KubeClientOpts) {
    this.server = o.server;
    this.#agent = new Agent({
      ca: readFileSync(o.caFile),
      cert: readFileSync(o.certFile),
      key: readFileSync(o.keyFile),
      keepAlive: true,
      maxSockets: 32,
    });
  }

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<KubeResponse> {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const h: Record<string, string> = { Accept: 'application/json', ...headers };
    if (data !== undefined) {
      h['Content-Type'] ??= 'application/json';
      h['Content-Length'] = String(Buffer.byteLength(data));
    }
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.server),
        { method, headers: h, agent: this.#agent, timeout: 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, body: text, json: () => JSON.parse(text) });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  }

  /** Like request, but throws unless the status is 2xx (or listed in `ok`). */
  async must(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    ok: number[] = [],
  ): Promise<KubeResponse> {
    const r = await this.request(method, path, body, headers);
    if ((r.status < 200 || r.status > 299) && !ok.includes(r.status)) {
      throw new Error(`${method} ${path}: HTTP ${r.status}: ${r.body.slice(0, 500)}`);
    }
    return r;
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** A kubeconfig (YAML is a superset of JSON, so JSON is written) with the certificates embedded,
 * so the file alone is enough to reach the cluster. */
export function kubeconfigFor(server: string, caFile: string, certFile: string, keyFile: string, user: string): string {
  const b64 = (f: string) => readFileSync(f).toString('base64');
  const name = 'kubeblink-sim';
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server, 'certificate-authority-data': b64(caFile) } }],
      users: [{ name: user, user: { 'client-certificate-data': b64(certFile), 'client-key-data': b64(keyFile) } }],
      contexts: [{ name, context: { cluster: name, user } }],
      'current-context': name,
    },
    null,
    2,
  )}\n`;
}
