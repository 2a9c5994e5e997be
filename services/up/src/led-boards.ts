// One virtual LED service per node, in up's process, connected to up's broker with the credentials
// it made; no terminal rendering of their own (the screen draws them all).
import { type Component, loadSettings, type ServiceRuntime } from '@kubeblink/core';
import type { LedService } from '@kubeblink/led';
import type { Credentials } from './broker-component.ts';
import { heavy } from './heavy.ts';

export interface BoardsOptions {
  nodes: () => string[];
  broker: () => string;
  creds: Credentials;
  cluster: string;
  layout: 'talk' | 'compact';
  /** Each board's logger and registry (UpLog.runtime). */
  runtime: (service: string, instance: string) => ServiceRuntime;
}

export class BoardsComponent implements Component {
  readonly name = 'led-boards';
  services: LedService[] = [];
  private readonly o: BoardsOptions;

  constructor(o: BoardsOptions) {
    this.o = o;
  }

  async start(): Promise<void> {
    const { o } = this;
    const { LedService } = await heavy.led();
    for (const node of o.nodes()) {
      const instance = `up-led-${node}`;
      const settings = loadSettings('ledSettings', {
        flags: {
          node,
          board: 'virtual',
          layout: o.layout,
          broker: o.broker(),
          cluster: o.cluster,
          username: o.creds.username,
          password: o.creds.password,
          instance,
          httpHost: '127.0.0.1',
          httpPort: 0,
        },
        env: {},
      });
      const svc = await LedService.create({ settings, rt: o.runtime('led', instance) });
      this.services.push(svc);
      await svc.start();
    }
  }

  async stop(): Promise<void> {
    const all = this.services;
    this.services = [];
    await Promise.all(all.map((s) => s.stop()));
  }
}
