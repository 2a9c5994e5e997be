import { readFileSync } from 'node:fs';
import {
  Controller,
  healthServerFromSettings,
  type Route,
  runUntilSignal,
  sendJson,
  serviceRuntime,
} from '@kubeblink/core';
import type { DashboardSettings } from '@kubeblink/schemas';
import { Site } from './site.ts';

/** What the page needs to connect: handed to every browser, hence read-only credentials only. */
export interface PageConfig {
  broker: string | null;
  cluster: string;
  username: string | null;
  password: string | null;
  layout: 'talk' | 'compact';
  nodes: string[];
}

export function pageConfig(settings: DashboardSettings): PageConfig {
  let password = settings.password ?? null;
  // Re-read per page load: a rotated Secret takes effect at the next reload.
  if (settings.passwordFile) password = readFileSync(settings.passwordFile, 'utf8').trim();
  return {
    broker: settings.broker ?? null,
    cluster: settings.cluster,
    username: settings.username ?? null,
    password,
    layout: settings.layout,
    nodes: (settings.nodes ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean),
  };
}

export function createDashboard(settings: DashboardSettings, opts: { dist?: string } = {}) {
  const rt = serviceRuntime('dashboard', settings);
  const log = rt.log.child({ module: 'dashboard' });
  const routes: Record<string, Route> = {
    '/config.json': (_req, res) => {
      try {
        sendJson(res, pageConfig(settings));
      } catch (err) {
        log.error({ err: (err as Error).message }, 'cannot build the page configuration');
        sendJson(res, { error: 'the dashboard cannot read its password file' }, 500);
      }
    },
  };
  const controller = new Controller(rt.log);
  const site = controller.add(new Site(routes, log, opts.dist));
  const http = controller.add(
    healthServerFromSettings(settings, rt, { ready: () => routes['/'] !== undefined, routes }),
  );
  return { controller, http, site, log: rt.log };
}

export async function runDashboard(settings: DashboardSettings): Promise<void> {
  const { controller, log } = createDashboard(settings);
  await runUntilSignal(controller, log);
}
