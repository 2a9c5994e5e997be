// The demo app's HTTP server. Every request to / is one `request` signal; every call of a probe
// endpoint is one liveness/readiness signal with its result, so the LEDs show what the kubelet sees.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger, Registry } from '@kubeblink/core';
import { burnCpu, type FaultState, parseBool, parseIntIn } from './faults.ts';
import type { PodIdentity, SignalPublisher } from './signals.ts';

export interface DemoAppOptions {
  host: string;
  port: number;
  version: string;
  identity: PodIdentity;
  faults: FaultState;
  signals: SignalPublisher;
  registry: Registry;
  log: Logger;
  /** Called by POST /fault/exit after the response is sent. */
  exit: (code: number) => void;
}

export class DemoApp {
  readonly name = 'app';
  private server: Server | undefined;
  private readonly opts: DemoAppOptions;
  constructor(opts: DemoAppOptions) {
    this.opts = opts;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      try {
        this.handle(req, res);
      } catch (err) {
        const bad = err instanceof RangeError;
        if (!bad) this.opts.log.error({ err }, 'request failed');
        reply(res, bad ? 400 : 500, { error: (err as Error).message });
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    this.server = server;
    this.opts.log.info({ port: this.port }, 'demo app listening');
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://app');
    const { faults, signals, identity, version } = this.opts;
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /': {
        const started = performance.now();
        const burn = url.searchParams.has('burn')
          ? parseIntIn(url.searchParams.get('burn'), 'burn', 0, 10_000)
          : faults.burnMs;
        if (burn > 0) burnCpu(burn);
        reply(res, 200, {
          message: `Hello from ${identity.pod} on ${identity.node}`,
          version,
          pod: identity.pod,
          node: identity.node,
        });
        signals.send('request', {
          method: 'GET',
          path: '/',
          statusCode: 200,
          durationMs: Math.round((performance.now() - started) * 1000) / 1000,
          version,
        });
        return;
      }
      case 'GET /healthz': {
        const ok = !faults.livenessFails;
        reply(res, ok ? 200 : 500, { ok });
        signals.send('liveness', { ok });
        return;
      }
      case 'GET /readyz': {
        const ok = !faults.readinessFails && Date.now() >= faults.readyAt && !faults.livenessFails;
        reply(res, ok ? 200 : 503, { ok });
        signals.send('readiness', { ok });
        return;
      }
      case 'GET /version':
        reply(res, 200, { version, ...identity });
        return;
      case 'GET /metrics':
        this.opts.registry.metrics().then((body) => {
          res.writeHead(200, { 'content-type': this.opts.registry.contentType }).end(body);
        });
        return;
      case 'POST /fault/readiness':
        faults.readinessFails = parseBool(url.searchParams.get('fail'), !faults.readinessFails);
        reply(res, 200, { readinessFails: faults.readinessFails });
        return;
      case 'POST /fault/liveness':
        faults.livenessFails = parseBool(url.searchParams.get('fail'), !faults.livenessFails);
        reply(res, 200, { livenessFails: faults.livenessFails });
        return;
      case 'POST /fault/burn':
        faults.burnMs = parseIntIn(url.searchParams.get('ms'), 'ms', 0, 10_000);
        reply(res, 200, { burnMs: faults.burnMs });
        return;
      case 'POST /fault/exit': {
        const code = parseIntIn(url.searchParams.get('code') ?? '1', 'code', 0, 255);
        this.opts.log.warn({ code }, 'exiting on request');
        res.on('finish', () => this.opts.exit(code));
        reply(res, 202, { exiting: code });
        return;
      }
      default:
        reply(res, 404, { error: `no route ${route}` });
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function reply(res: ServerResponse, code: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(code, { 'content-type': 'application/json', connection: 'close' }).end(`${JSON.stringify(body)}\n`);
}
