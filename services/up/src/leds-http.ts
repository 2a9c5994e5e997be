// up's HTTP server: core's /healthz, /readyz and /metrics, and /leds (every board's picture as JSON,
// what the tests and `curl` read). On --http-port, or on any free port when that one is taken (a
// second up, another service): the address is printed in the next steps either way.
import { type Component, HealthServer, type Logger, type Registry, sendJson } from '@kubeblink/core';

export interface LedsHttpOptions {
  port: number;
  registry: Registry;
  log: Logger;
  ready: () => boolean;
  /** The /leds document. */
  leds: () => unknown;
}

export class LedsHttp implements Component {
  readonly name = 'http';
  private server: HealthServer;
  private readonly o: LedsHttpOptions;

  constructor(o: LedsHttpOptions) {
    this.o = o;
    this.server = this.serverOn(o.port);
  }

  /** The port it listens on (0 before start on an ephemeral port). */
  get port(): number {
    return this.server.port;
  }

  private serverOn(port: number): HealthServer {
    const { o } = this;
    return new HealthServer({
      host: '127.0.0.1',
      port,
      registry: o.registry,
      log: o.log,
      ready: o.ready,
      routes: { '/leds': (_req, res) => sendJson(res, o.leds()) },
    });
  }

  async start(): Promise<void> {
    try {
      await this.server.start();
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
      this.server = this.serverOn(0);
      await this.server.start();
    }
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
