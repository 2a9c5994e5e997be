// The demo app's HTTP server. Every request to / is one `request` signal; every call of a probe
// endpoint is one liveness/readiness signal with its result, so the LEDs show what the kubelet sees.
// It is core's HealthServer (its /metrics; the probes answered here, in JSON, with a signal each).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HealthServer, type Logger, type Registry, type Route } from '@kubeblink/core';
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
  private readonly http: HealthServer;
  private readonly opts: DemoAppOptions;
  constructor(opts: DemoAppOptions) {
    this.opts = opts;
    const { faults } = opts;
    const routes: Record<string, Handler> = {
      'GET /': (url, res) => this.hello(url, res),
      'GET /healthz': (_url, res) => {
        const ok = this.live();
        reply(res, ok ? 200 : 500, { ok });
        opts.signals.send('liveness', { ok });
      },
      'GET /readyz': (_url, res) => {
        const ok = this.ready();
        reply(res, ok ? 200 : 503, { ok });
        opts.signals.send('readiness', { ok });
      },
      'GET /version': (_url, res) => reply(res, 200, { version: opts.version, ...opts.identity }),
      'POST /fault/readiness': (url, res) => {
        faults.readinessFails = parseBool(url.searchParams.get('fail'), !faults.readinessFails);
        reply(res, 200, { readinessFails: faults.readinessFails });
      },
      'POST /fault/liveness': (url, res) => {
        faults.livenessFails = parseBool(url.searchParams.get('fail'), !faults.livenessFails);
        reply(res, 200, { livenessFails: faults.livenessFails });
      },
      'POST /fault/burn': (url, res) => {
        faults.burnMs = parseIntIn(url.searchParams.get('ms'), 'ms', 0, 10_000);
        reply(res, 200, { burnMs: faults.burnMs });
      },
      'POST /fault/exit': (url, res) => {
        const code = parseIntIn(url.searchParams.get('code') ?? '1', 'code', 0, 255);
        opts.log.warn({ code }, 'exiting on request');
        res.on('finish', () => opts.exit(code));
        reply(res, 202, { exiting: code });
      },
    };
    this.http = new HealthServer({
      host: opts.host,
      port: opts.port,
      registry: opts.registry,
      log: opts.log,
      // For HEAD, which the JSON probes above (GET) do not answer: the same results, no signal.
      healthy: () => this.live(),
      ready: () => this.ready(),
      routes: Object.fromEntries(Object.entries(routes).map(([key, handler]) => [key, this.guard(handler)])),
      notFound: (req, res) => reply(res, 404, { error: `no route ${req.method} ${requestUrl(req).pathname}` }),
    });
  }

  get port(): number {
    return this.http.port;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  private live(): boolean {
    return !this.opts.faults.livenessFails;
  }

  private ready(): boolean {
    const { faults } = this.opts;
    return !faults.readinessFails && Date.now() >= faults.readyAt && !faults.livenessFails;
  }

  private hello(url: URL, res: ServerResponse): void {
    const { faults, signals, identity, version } = this.opts;
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
  }

  /** A bad fault parameter (RangeError) is the caller's mistake: 400 with the reason, not logged. */
  private guard(handler: Handler): Route {
    return (req, res) => {
      try {
        handler(requestUrl(req), res);
      } catch (err) {
        const bad = err instanceof RangeError;
        if (!bad) this.opts.log.error({ err }, 'request failed');
        reply(res, bad ? 400 : 500, { error: (err as Error).message });
      }
    };
  }
}

type Handler = (url: URL, res: ServerResponse) => void;

const requestUrl = (req: IncomingMessage) => new URL(req.url ?? '/', 'http://app');

function reply(res: ServerResponse, code: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(code, { 'content-type': 'application/json', connection: 'close' }).end(`${JSON.stringify(body)}\n`);
}
