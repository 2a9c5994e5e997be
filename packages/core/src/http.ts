// The shared HTTP endpoint of every long-running service: /healthz, /readyz, /metrics, plus
// routes a service adds (the LED service's /leds, the demo app's fault controls). node:http is
// enough for a handful of routes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HealthServerOptions {
  host: string;
  port: number;
  registry: Registry;
  log: Logger;
  /** Liveness: the process can still do its job (default: always). */
  healthy?: () => boolean;
  /** Readiness: e.g. the watcher after its first sync. */
  ready: () => boolean;
  /**
   * More routes: by path for GET and HEAD (`'/leds'`), or by method and path (`'POST /fault/exit'`).
   * A route may take over a built-in endpoint (the demo app answers its own probes).
   */
  routes?: Record<string, Route>;
  /** Answers what no route matches (default: 405 to methods other than GET and HEAD, else 404). */
  notFound?: Route;
  /** HTTP upgrade requests (the dashboard's WebSocket proxy); without it they are refused. */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export class HealthServer {
  readonly name = 'http';
  private server: Server | undefined;
  private readonly opts: HealthServerOptions;
  constructor(opts: HealthServerOptions) {
    this.opts = opts;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<void> {
    const { opts } = this;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        opts.log.error({ err, url: req.url }, 'http handler failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    server.keepAliveTimeout = 5000;
    if (opts.upgrade) server.on('upgrade', opts.upgrade);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    opts.log.info({ host: opts.host, port: this.port }, 'http: /healthz /readyz /metrics');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const read = req.method === 'GET' || req.method === 'HEAD';
    const route = this.opts.routes?.[`${req.method} ${path}`] ?? (read ? this.byPath(path) : undefined);
    if (route) return route(req, res);
    if (this.opts.notFound) return this.opts.notFound(req, res);
    if (!read) {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    text(res, 404);
  }

  /** The GET and HEAD route of a path: the service's own, else a built-in endpoint. */
  private byPath(path: string): Route | undefined {
    const own = this.opts.routes?.[path];
    if (own) return own;
    if (path === '/healthz') return (_req, res) => text(res, (this.opts.healthy ?? (() => true))() ? 200 : 503);
    if (path === '/readyz') return (_req, res) => text(res, this.opts.ready() ? 200 : 503);
    if (path === '/metrics') return (_req, res) => this.metrics(res);
    return undefined;
  }

  private async metrics(res: ServerResponse): Promise<void> {
    const body = await this.opts.registry.metrics();
    res.writeHead(200, { 'content-type': this.opts.registry.contentType }).end(body);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function text(res: ServerResponse, code: number): void {
  res.writeHead(code, { 'content-type': 'text/plain' }).end(code === 200 ? 'ok\n' : `${code}\n`);
}

export function sendJson(res: ServerResponse, body: unknown, code = 200): void {
  res.writeHead(code, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}
