import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  type Component,
  Controller,
  healthServerFromSettings,
  type Route,
  runUntilSignal,
  type ServiceRuntime,
  sendJson,
  serviceRuntime,
} from '@kubeblink/core';
import type { DashboardSettings } from '@kubeblink/schemas';
import { Site } from './site.ts';
import { PROXY_PATH, WsProxy } from './ws-proxy.ts';

/** What the page needs to connect: handed to every browser, hence read-only credentials only. */
export interface PageConfig {
  broker: string | null;
  /** The page's own host relays the broker's WebSocket at this path (settings.upstream). */
  proxy: string | null;
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
    proxy: settings.upstream ? PROXY_PATH : null,
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

/** A password file that cannot be read is a start-up error naming the file, not a page without login. */
function checkPasswordFile(settings: DashboardSettings): void {
  if (!settings.passwordFile) return;
  try {
    readFileSync(settings.passwordFile, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as Error).message;
    throw new Error(`--password-file ${settings.passwordFile}: cannot read it (${code})`);
  }
}

/** Where to open the page: this machine's address, and the host name when it listens on every interface. */
export function pageUrls(host: string, port: number): { url: string; lan?: string } {
  const any = host === '0.0.0.0' || host === '::';
  const url = `http://${any ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host}:${port}/`;
  return any ? { url, lan: `http://${hostname()}:${port}/` } : { url };
}

export function createDashboard(settings: DashboardSettings, opts: { dist?: string; runtime?: ServiceRuntime } = {}) {
  checkPasswordFile(settings);
  const rt = opts.runtime ?? serviceRuntime('dashboard', settings);
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
  const proxy = settings.upstream
    ? controller.add(
        new WsProxy({
          upstream: settings.upstream,
          maxConnections: settings.proxyMaxConnections,
          maxMessageBytes: settings.proxyMaxMessageBytes,
          log,
        }),
      )
    : undefined;
  const http = controller.add(
    healthServerFromSettings(settings, rt, {
      ready: () => routes['/'] !== undefined,
      routes,
      ...(proxy ? { upgrade: proxy.upgrade } : {}),
    }),
  );
  const announce: Component = {
    name: 'announce',
    start: async () => {
      const where = pageUrls(settings.httpHost, http.port);
      log.info({ ...where, proxy: settings.upstream ?? null }, `dashboard: open ${where.url}`);
    },
    stop: async () => {},
  };
  controller.add(announce);
  return { controller, http, site, proxy, log: rt.log, url: () => pageUrls(settings.httpHost, http.port).url };
}

export async function runDashboard(settings: DashboardSettings): Promise<void> {
  const { controller, log } = createDashboard(settings);
  await runUntilSignal(controller, log);
}
