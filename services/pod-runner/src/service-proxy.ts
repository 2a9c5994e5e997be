// kube-proxy for the simulated cluster: each Service with a selector gets a local TCP port that
// forwards connections round-robin to its Running and Ready runner pods, and the address is
// published on the Service (annotation kubeblink.io/sim-endpoint) for demos, tests and load.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '@kubeblink/core';
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';

export const ENDPOINT_ANNOTATION = 'kubeblink.io/sim-endpoint';
export const ENDPOINTS_ANNOTATION = 'kubeblink.io/sim-endpoints';

export interface ServiceHost {
  /** Local ports of the ready pods behind `port` of `svc`, in a stable order. */
  backends(svc: V1Service, port: V1ServicePort): number[];
  annotate(svc: V1Service, annotations: Record<string, string | null>): Promise<void>;
  log: Logger;
}

const key = (svc: V1Service) => `${svc.metadata?.namespace}/${svc.metadata?.name}`;
const portKey = (p: V1ServicePort) => p.name || String(p.port);

class PortProxy {
  readonly server: Server;
  private next = 0;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(pick: () => number[], log: Logger) {
    this.server = createServer((client) => {
      const backends = pick();
      if (backends.length === 0) {
        // No ready endpoint: kube-proxy rejects the connection.
        client.destroy();
        return;
      }
      const target = backends[this.next++ % backends.length] as number;
      const upstream = connect({ host: '127.0.0.1', port: target });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
      const drop = (err: Error) => {
        log.debug({ err: err.message, target }, 'proxied connection failed');
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop);
      upstream.on('error', drop);
    });
  }

  async listen(preferred: number): Promise<number> {
    const tryListen = (p: number) =>
      new Promise<number>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        this.server.once('error', onError);
        this.server.listen(p, '127.0.0.1', () => {
          this.server.off('error', onError);
          const a = this.server.address();
          resolve(typeof a === 'object' && a ? a.port : 0);
        });
      });
    try {
      this.port = await tryListen(preferred);
    } catch {
      this.port = await tryListen(0); // the remembered port is taken: any free one
    }
    return this.port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export class ServiceProxies {
  private readonly proxies = new Map<string, { uid: string; ports: Map<string, PortProxy> }>();
  private readonly host: ServiceHost;
  private readonly latest = new Map<string, V1Service>();

  constructor(host: ServiceHost) {
    this.host = host;
  }

  /** Address of a service port ("127.0.0.1:P"), if proxied. */
  address(namespace: string, name: string, port?: string | number): string | undefined {
    const p = this.proxies.get(`${namespace}/${name}`)?.ports;
    const proxy = port === undefined ? p?.values().next().value : p?.get(String(port));
    return proxy ? `127.0.0.1:${proxy.port}` : undefined;
  }

  async sync(svc: V1Service): Promise<void> {
    const k = key(svc);
    this.latest.set(k, svc);
    const wanted =
      !!svc.spec?.selector && Object.keys(svc.spec.selector).length > 0 && svc.spec.type !== 'ExternalName';
    const have = this.proxies.get(k);
    if (have && (!wanted || have.uid !== svc.metadata?.uid)) await this.remove(svc);
    if (!wanted || this.proxies.has(k)) return;
    const entry = { uid: svc.metadata?.uid ?? '', ports: new Map<string, PortProxy>() };
    this.proxies.set(k, entry);
    const remembered = parseRemembered(svc);
    for (const sp of svc.spec?.ports ?? []) {
      if (sp.protocol && sp.protocol !== 'TCP') continue;
      const proxy = new PortProxy(() => this.host.backends(this.latest.get(k) ?? svc, sp), this.host.log);
      entry.ports.set(portKey(sp), proxy);
      await proxy.listen(remembered.get(portKey(sp)) ?? 0);
    }
    const addrs = [...entry.ports].map(([name, p]) => [name, `127.0.0.1:${p.port}`] as const);
    const first = addrs[0]?.[1];
    if (!first) return;
    const annotations: Record<string, string | null> = {
      [ENDPOINT_ANNOTATION]: first,
      [ENDPOINTS_ANNOTATION]: addrs.length > 1 ? JSON.stringify(Object.fromEntries(addrs)) : null,
    };
    const current = svc.metadata?.annotations ?? {};
    if (
      current[ENDPOINT_ANNOTATION] === first &&
      (current[ENDPOINTS_ANNOTATION] ?? null) === annotations[ENDPOINTS_ANNOTATION]
    )
      return;
    this.host.log.info({ service: k, endpoint: first }, 'service proxied');
    await this.host.annotate(svc, annotations);
  }

  async remove(svc: V1Service): Promise<void> {
    const k = key(svc);
    const have = this.proxies.get(k);
    this.proxies.delete(k);
    if (have) await Promise.all([...have.ports.values()].map((p) => p.close()));
  }

  async closeAll(): Promise<void> {
    const all = [...this.proxies.values()];
    this.proxies.clear();
    await Promise.all(all.flatMap((e) => [...e.ports.values()].map((p) => p.close())));
  }
}

/** Ports a previous runner published, so addresses stay the same across runner restarts. */
function parseRemembered(svc: V1Service): Map<string, number> {
  const a = svc.metadata?.annotations ?? {};
  const m = new Map<string, number>();
  const port = (addr: unknown) => Number(String(addr).split(':').at(-1)) || 0;
  try {
    for (const [k, v] of Object.entries(JSON.parse(a[ENDPOINTS_ANNOTATION] ?? '{}'))) m.set(k, port(v));
  } catch {
    // A hand-edited annotation: ignore it.
  }
  const first = svc.spec?.ports?.[0];
  if (first && a[ENDPOINT_ANNOTATION] && !m.has(portKey(first))) m.set(portKey(first), port(a[ENDPOINT_ANNOTATION]));
  return m;
}

/** Does a Service selector match these labels? */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
