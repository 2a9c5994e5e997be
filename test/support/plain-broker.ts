// A plain Aedes broker (no hooks) on an ephemeral loopback port: the reference MQTT peer for tests of
// clients, independent of kubeblink's own broker. Can stop and start again on the same port(s).
// With `ws: true` it also serves MQTT over WebSocket (what browsers speak) on a second port.

import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';

export class PlainBroker {
  aedes: Aedes | undefined;
  private server: Server | undefined;
  private wsServer: HttpServer | undefined;
  private wss: WebSocketServer | undefined;
  port = 0;
  wsPort = 0;
  private readonly withWs: boolean;

  constructor(opts: { ws?: boolean } = {}) {
    this.withWs = opts.ws ?? false;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.wsPort}`;
  }

  async start(): Promise<this> {
    this.aedes = await Aedes.createBroker();
    const aedes = this.aedes;
    const server = createServer((socket) => aedes.handle(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    if (this.withWs) await this.startWs(aedes);
    return this;
  }

  /** Drops every connection and forgets all state (retained messages, sessions), like a crash. */
  async stop(): Promise<void> {
    const { server, aedes, wsServer, wss } = this;
    this.server = undefined;
    this.aedes = undefined;
    this.wsServer = undefined;
    this.wss = undefined;
    for (const c of wss?.clients ?? []) c.terminate();
    await new Promise<void>((resolve) => wss?.close(() => resolve()) ?? resolve());
    await new Promise<void>((resolve) => wsServer?.close(() => resolve()) ?? resolve());
    await new Promise<void>((resolve) => aedes?.close(() => resolve()) ?? resolve());
    await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  }

  private async startWs(aedes: Aedes): Promise<void> {
    const http = createHttpServer();
    const wss = new WebSocketServer({ server: http });
    wss.on('connection', (socket, req) => aedes.handle(createWebSocketStream(socket), req));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.wsPort, '127.0.0.1', () => resolve());
    });
    this.wsPort = (http.address() as AddressInfo).port;
    this.wsServer = http;
    this.wss = wss;
  }
}
