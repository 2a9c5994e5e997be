// A plain Aedes broker (no hooks) on an ephemeral loopback port: the reference MQTT peer for tests of
// clients, independent of kubeblink's own broker. Can stop and start again on the same port.

import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';

export class PlainBroker {
  aedes: Aedes | undefined;
  private server: Server | undefined;
  port = 0;

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
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
    return this;
  }

  /** Drops every connection and forgets all state (retained messages, sessions), like a crash. */
  async stop(): Promise<void> {
    const { server, aedes } = this;
    this.server = undefined;
    this.aedes = undefined;
    await new Promise<void>((resolve) => aedes?.close(() => resolve()) ?? resolve());
    await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  }
}
