// The page's files: built by Vite when missing or older than the sources, then served from memory as
// exact routes of the service's HTTP server (a handful of files: no static-file middleware needed).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger, Route } from '@kubeblink/core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

function newest(dir: string): number {
  return Math.max(...files(dir).map((f) => statSync(f).mtimeMs));
}

export class Site {
  readonly name = 'site';
  /** Filled at start; the HTTP server reads it on every request. */
  readonly routes: Record<string, Route>;
  private readonly log: Logger;
  private readonly dist: string;

  constructor(routes: Record<string, Route>, log: Logger, dist = join(ROOT, 'dist')) {
    this.routes = routes;
    this.log = log;
    this.dist = dist;
  }

  async start(): Promise<void> {
    const index = join(this.dist, 'index.html');
    let built = 0;
    try {
      built = statSync(index).mtimeMs;
    } catch {}
    const sources = Math.max(newest(join(ROOT, 'web')), newest(join(ROOT, '..', '..', 'packages')));
    if (built < sources) {
      this.log.info({ dist: this.dist }, built ? 'page sources changed: rebuilding' : 'building the page (once)');
      const { build } = await import('vite');
      await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
    }
    for (const file of files(this.dist)) {
      const body = readFileSync(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      // Hashed asset names never change content: cache them; index.html must always be fresh.
      const cache = file === index ? 'no-cache' : 'public, max-age=31536000, immutable';
      const route: Route = (_req, res) => {
        res.writeHead(200, { 'content-type': type, 'cache-control': cache }).end(body);
      };
      this.routes[`/${relative(this.dist, file).split('\\').join('/')}`] = route;
      if (file === index) this.routes['/'] = route;
    }
  }

  async stop(): Promise<void> {}
}
