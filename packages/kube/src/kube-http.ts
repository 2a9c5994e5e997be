// The project's plain Kubernetes API client: HTTP to the kube-apiserver with the credentials of a
// kubeconfig or the pod's ServiceAccount (kubeconfig.ts), for the watcher's reflectors and for the
// Lease of the watcher and the pod runner (lease.ts). Plain node:http(s) rather than client-node:
// the watcher must not load @kubernetes/client-node (its RSS, see kubeconfig.ts), and a watch read
// here streams line by line, so that nothing but the watcher's compact state is kept. (The
// simulated cluster has a client of its own, services/sim/src/kube-client.ts, which says why.)
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { type RequestOptions as HttpsRequestOptions, request as httpsRequest } from 'node:https';
import { type ApiAuth, loadAuth } from './kubeconfig.ts';

export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

export class KubeHttp {
  readonly auth: ApiAuth;
  readonly server: URL;

  constructor(auth: ApiAuth) {
    this.auth = auth;
    this.server = auth.server;
  }

  /** A kubeconfig file; else the pod's ServiceAccount when in a cluster; else $KUBECONFIG or ~/.kube/config. */
  static async load(kubeconfig?: string): Promise<KubeHttp> {
    return new KubeHttp(await loadAuth(kubeconfig));
  }

  /**
   * Starts a GET and resolves with the response once its headers are in (any status). `idleMs`: the
   * socket may stay silent this long (connect included) before the request fails.
   */
  get(path: string, signal?: AbortSignal, accept = 'application/json', idleMs = 60_000): Promise<IncomingMessage> {
    return this.open(
      'GET',
      path,
      { headers: { accept }, signal, idleMs },
      `no data from the apiserver for ${idleMs} ms`,
    );
  }

  /** A request with a JSON body; resolves with the status and the parsed body (any status). */
  async send(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers = { accept: 'application/json', ...(data ? { 'content-type': 'application/json' } : {}) };
    const res = await this.open(
      method,
      path,
      { headers, idleMs: 30_000, data },
      `${method} ${path}: no answer in 30 s`,
    );
    const text = await readBody(res);
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.statusCode ?? 0, body: parsed };
  }

  /** GET returning the body as text (for the caller to parse); a non-2xx status becomes an ApiError. */
  async getText(path: string, signal?: AbortSignal, accept?: string): Promise<string> {
    const res = await this.get(path, signal, accept);
    const body = await readBody(res);
    if ((res.statusCode ?? 0) >= 300) throw apiError(res.statusCode ?? 0, body);
    return body;
  }

  /** One request with the credentials applied; resolves once the response's headers are in. */
  private async open(
    method: string,
    path: string,
    o: { headers: Record<string, string>; idleMs: number; signal?: AbortSignal; data?: string },
    silence: string,
  ): Promise<IncomingMessage> {
    const url = new URL(path, this.server);
    const opts: HttpsRequestOptions = { method, headers: o.headers, signal: o.signal };
    await this.auth.apply(opts);
    // Plain http (a local proxy, a test server): the agent is an https one.
    if (url.protocol === 'http:') delete opts.agent;
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, opts, resolve);
      req.setTimeout(o.idleMs, () => req.destroy(new Error(silence)));
      req.on('error', reject);
      req.end(o.data);
    });
  }
}

export async function readBody(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let body = '';
  for await (const chunk of res) body += chunk;
  return body;
}

export function apiError(code: number, body: string): ApiError {
  let message = body.slice(0, 500);
  try {
    message = (JSON.parse(body) as { message?: string }).message ?? message;
  } catch {}
  return new ApiError(code, `HTTP ${code}: ${message}`);
}
