// The dashboard in up's process (issue 18): the page on 127.0.0.1:9106 (any free port when taken),
// relaying up's broker WebSocket at its own /mqtt, logging in as up's read-only user (role reader)
// with the password up generated, in up's LED layout, its logs in up's log file.
import type { Component, ServiceRuntime } from '@kubeblink/core';
import type { UpSettings } from '@kubeblink/schemas';
import { validateConfig } from '@kubeblink/schemas';
import type { Credentials } from './broker-component.ts';
import { heavy } from './heavy.ts';

/** The dashboard's own default port (schemas/config/dashboard-settings.schema.json). */
const DASHBOARD_PORT = 9106;

export interface DashboardComponentOptions {
  /** The broker's WebSocket URL; none (--ws-port -1): no dashboard. */
  wsUrl: () => string | undefined;
  creds: Credentials;
  cluster: string;
  layout: UpSettings['layout'];
  runtime: (service: string, instance: string) => ServiceRuntime;
}

type Dashboard = Awaited<ReturnType<typeof heavy.dashboard>>;

export class DashboardComponent implements Component {
  readonly name = 'dashboard';
  private running: ReturnType<Dashboard['createDashboard']> | undefined;
  private readonly o: DashboardComponentOptions;

  constructor(o: DashboardComponentOptions) {
    this.o = o;
  }

  /** The page's URL once it serves, else undefined. */
  get url(): string | undefined {
    return this.running?.url();
  }

  async start(): Promise<void> {
    const upstream = this.o.wsUrl();
    if (!upstream) return;
    const { createDashboard } = await heavy.dashboard();
    const rt = this.o.runtime('dashboard', 'up-dashboard');
    const on = async (httpPort: number) => {
      const v = validateConfig('dashboardSettings', {
        cluster: this.o.cluster,
        upstream,
        username: this.o.creds.username,
        password: this.o.creds.password,
        layout: this.o.layout,
        httpHost: '127.0.0.1',
        httpPort,
      });
      if (!v.ok) throw new Error(`dashboard settings: ${v.errors.join('; ')}`);
      const d = createDashboard(v.value, { runtime: rt });
      await d.controller.start();
      return d;
    };
    try {
      this.running = await on(DASHBOARD_PORT);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
      this.running = await on(0);
    }
  }

  async stop(): Promise<void> {
    await this.running?.controller.stop();
    this.running = undefined;
  }
}
