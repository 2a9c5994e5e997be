// The broker's network listeners: MQTT over TCP and over WebSocket, each optionally over TLS, all
// feeding the same Aedes instance. Aedes itself has no packet size limit (mqtt-packet buffers a
// PUBLISH of up to 256 MiB), so the cap is enforced here, when a packet's header is read.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { type Duplex, PassThrough } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import type { Logger } from '@kubeblink/core';
import type { Client } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { BrokerMetrics } from './broker-metrics.ts';
import { type LoginGate, sourceKey } from './login-gate.ts';

export interface ListenersOptions {
  host: string;
  port: number;
  /** -1: no WebSocket listener. */
  wsPort: number;
  tls?: { cert: string; key: string } | undefined;
  /** Largest MQTT packet (remaining length) and WebSocket message accepted, in bytes. */
  maxPacket: number;
  log: Logger;
  metrics: BrokerMetrics;
  /** Bounds the connections not yet authenticated, per source address and in all. */
  gate: LoginGate;
  handle: (stream: Duplex, req?: IncomingMessage) => Client;
}

/** The packet size error, told apart from other client errors in metrics. */
export const PACKET_TOO_LARGE = 'packet too large';

interface ParserInternals {
  _parseLength: () => boolean;
  _emitError: (err: Error) => void;
  packet: { length: number };
}

/**
 * Caps the remaining length of every MQTT packet of one client: mqtt-packet announces it in the
 * fixed header (MQTT 3.1.1 section 2.2.3), so an oversized packet is refused before its body is
 * buffered. mqtt-packet has no option for this; its parser's length step is wrapped instead
 * (checked at start-up, and by broker/test/limits.int.test.ts, should Aedes or mqtt-packet change).
 */
export function capPacketSize(client: Client, max: number, onTooLarge: () => void = () => {}): void {
  const parser = (client as unknown as { _parser?: ParserInternals })._parser;
  if (!parser || typeof parser._parseLength !== 'function' || typeof parser._emitError !== 'function') {
    throw new Error('aedes/mqtt-packet internals changed: cannot cap the packet size');
  }
  const parseLength = parser._parseLength;
  parser._parseLength = function capped(this: ParserInternals) {
    const done = parseLength.call(this);
    if (done && this.packet.length > max) {
      onTooLarge();
      this._emitError(new Error(`${PACKET_TOO_LARGE}: ${this.packet.length} bytes, limit ${max}`));
      return false;
    }
    return done;
  };
}

// Sources whose refused connections were logged (once each); bounded, forgotten past this.
const LOGGED_SOURCES = 10_000;

export class Listeners {
  readonly name = 'listeners';
  private readonly opts: ListenersOptions;
  private tcp: Server | undefined;
  private http: HttpServer | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<Socket | Duplex>();
  private readonly peers = new WeakMap<Client, { source: string; release: () => void }>();
  private readonly loggedSources = new Set<string>();

  constructor(opts: ListenersOptions) {
    this.opts = opts;
  }

  get port(): number {
    return (this.tcp?.address() as AddressInfo | null)?.port ?? 0;
  }

  get wsPort(): number {
    return (this.http?.address() as AddressInfo | null)?.port ?? 0;
  }

  /** The source address key of a client's connection (login-gate.ts). */
  sourceOf(client: Client): string {
    return this.peers.get(client)?.source ?? 'unknown';
  }

  /** The client authenticated: it no longer counts against its source's unauthenticated bound. */
  authenticated(client: Client): void {
    this.peers.get(client)?.release();
  }

  /** Hands a connection to Aedes; returns the callback that counts it as too large (once). */
  private accept(stream: Duplex, transport: string, req?: IncomingMessage): () => void {
    const { opts } = this;
    opts.metrics.connections.inc({ transport });
    const source = sourceKey((stream as Socket).remoteAddress ?? req?.socket.remoteAddress);
    const opened = opts.gate.opened(source);
    if (!opened) {
      // Before Aedes sees it: an idle flood of sockets holds no client, no timer, no parser.
      opts.metrics.denials.inc({ action: 'connect', reason: 'unauthenticated_limit' });
      if (!this.loggedSources.has(source)) {
        if (this.loggedSources.size >= LOGGED_SOURCES) this.loggedSources.clear();
        this.loggedSources.add(source);
        opts.log.warn({ source, transport }, 'refused a connection: too many unauthenticated connections');
      }
      stream.destroy();
      return () => {};
    }
    const release = () => {
      opened();
      opts.metrics.unauthenticated.set(opts.gate.unauthenticated);
    };
    opts.metrics.unauthenticated.set(opts.gate.unauthenticated);
    this.sockets.add(stream);
    stream.once('close', () => {
      this.sockets.delete(stream);
      release();
    });
    let counted = false;
    const tooLarge = () => {
      if (counted) return;
      counted = true;
      opts.metrics.clientErrors.inc({ reason: 'too_large' });
    };
    const client = opts.handle(stream, req);
    this.peers.set(client, { source, release });
    capPacketSize(client, opts.maxPacket, tooLarge);
    return tooLarge;
  }

  async start(): Promise<void> {
    const { opts } = this;
    // Fail now, not at the first connection, if Aedes' internals no longer allow the size cap.
    const probe = new PassThrough();
    try {
      capPacketSize(opts.handle(probe), opts.maxPacket);
    } finally {
      probe.destroy();
    }
    const tls = opts.tls && { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) };
    const onTcp = (socket: Socket) => this.accept(socket, tls ? 'mqtts' : 'mqtt');
    this.tcp = tls ? createTlsServer(tls, onTcp) : createNetServer(onTcp);
    // A failed TLS handshake never reaches Aedes: log it quietly, it is just a bad client.
    this.tcp.on('tlsClientError', (err: Error) => opts.log.debug({ err: err.message }, 'tls handshake failed'));
    await listen(this.tcp, opts.port, opts.host);
    const scheme = tls ? 'mqtts' : 'mqtt';
    opts.log.info({ url: `${scheme}://${opts.host}:${this.port}` }, 'mqtt listener');

    if (opts.wsPort >= 0) {
      const plain = (_req: IncomingMessage, res: import('node:http').ServerResponse) => {
        res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' }).end('MQTT over WebSocket only\n');
      };
      this.http = tls ? createHttpsServer(tls, plain) : createHttpServer(plain);
      // Browsers offer the "mqtt" subprotocol (MQTT 3.1.1 section 6); ws accepts the first offered.
      this.wss = new WebSocketServer({ server: this.http, maxPayload: opts.maxPacket, perMessageDeflate: false });
      this.wss.on('connection', (ws, req) => {
        const tooLarge = this.accept(createWebSocketStream(ws), tls ? 'wss' : 'ws', req);
        ws.on('error', (err: Error & { code?: string }) => {
          if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') tooLarge();
        });
      });
      await listen(this.http, opts.wsPort, opts.host);
      opts.log.info({ url: `${tls ? 'wss' : 'ws'}://${opts.host}:${this.wsPort}` }, 'mqtt over websocket listener');
    }
  }

  /** Stops accepting connections; the open ones stay until Aedes closes them. */
  stopAccepting(): void {
    this.tcp?.close();
    this.wss?.close();
    this.http?.close();
  }

  /** Destroys what is left (connections that never completed CONNECT, which Aedes does not track). */
  async stop(): Promise<void> {
    this.stopAccepting();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.http?.closeAllConnections();
  }
}

function listen(server: Server | HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
