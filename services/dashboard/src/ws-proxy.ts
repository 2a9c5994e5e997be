// The broker's WebSocket through the dashboard's own HTTP port (issue 18): in a cluster the broker's
// Service is ClusterIP and on a laptop it binds 127.0.0.1, so a browser in the room reaches the bus
// at ws(s)://<the page's host>/mqtt — one port to expose. The proxy only relays WebSocket messages;
// the broker still authenticates every CONNECT (the page's read-only user) and authorizes every
// packet. Bounded: at most maxConnections browsers, messages of at most maxMessageBytes each way
// (ws closes with 1009 beyond it), and what a browser sends before the broker answers is capped.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@kubeblink/core';
import { type RawData, WebSocket, WebSocketServer } from 'ws';

export const PROXY_PATH = '/mqtt';

export interface WsProxyOptions {
  /** The broker's WebSocket URL as this process reaches it. */
  upstream: string;
  maxConnections: number;
  maxMessageBytes: number;
  log: Logger;
}

/** Messages a browser may send before the broker's socket is open (CONNECT, SUBSCRIBE: a handful). */
const MAX_EARLY_MESSAGES = 16;

export class WsProxy {
  readonly name = 'ws-proxy';
  private readonly o: WsProxyOptions;
  private readonly wss: WebSocketServer;
  private readonly open = new Set<WebSocket>();

  constructor(o: WsProxyOptions) {
    this.o = o;
    // MQTT over WebSocket uses the "mqtt" subprotocol (MQTT 3.1.1 section 6): offered by the browser,
    // accepted here and asked of the broker.
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: o.maxMessageBytes,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
    });
  }

  get connections(): number {
    return this.open.size;
  }

  /** The HTTP server's 'upgrade' handler: /mqtt is relayed, anything else refused. */
  readonly upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== PROXY_PATH) {
      refuse(socket, 404, 'Not Found');
      return;
    }
    if (this.open.size >= this.o.maxConnections) {
      this.o.log.warn({ max: this.o.maxConnections }, 'ws proxy: connection limit reached, refusing a browser');
      refuse(socket, 503, 'Service Unavailable');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (client) => this.relay(client, req));
  };

  private relay(client: WebSocket, req: IncomingMessage): void {
    const from = req.socket.remoteAddress;
    const upstream = new WebSocket(this.o.upstream, 'mqtt', {
      maxPayload: this.o.maxMessageBytes,
      perMessageDeflate: false,
    });
    this.open.add(client);
    const early: RawData[] = [];
    let closing = false;
    const close = () => {
      closing = true;
      this.open.delete(client);
      if (client.readyState <= WebSocket.OPEN) client.terminate();
      if (upstream.readyState <= WebSocket.OPEN) upstream.terminate();
    };
    client.on('message', (data, binary) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
      else if (early.length < MAX_EARLY_MESSAGES) early.push(data);
      else close();
    });
    upstream.on('open', () => {
      for (const m of early.splice(0)) upstream.send(m);
    });
    upstream.on('message', (data, binary) => {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
    });
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', (err) => {
      this.o.log.debug({ err: err.message, from }, 'ws proxy: browser socket error');
      close();
    });
    upstream.on('error', (err) => {
      if (!closing)
        this.o.log.warn({ err: err.message, upstream: this.o.upstream }, 'ws proxy: cannot reach the broker');
      close();
    });
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    for (const c of this.open) c.terminate();
    this.open.clear();
    this.wss.close();
  }
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
