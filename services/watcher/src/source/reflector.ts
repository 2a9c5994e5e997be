// A small reflector for one resource (client-go's ListAndWatch, without its object cache): a paged
// list is a sync (SYNC_START, every object, SYNC_END); the watch then resumes from the list's
// resourceVersion with bookmarks, keeping the newest resourceVersion seen. A watch that ends is
// resumed; 410 Gone (the resourceVersion is too old) relists; errors retry with backoff; a watch
// silent for longer than the watchdog (bookmarks arrive about every minute) is restarted; an optional
// timer forces a relist. Only the caller keeps state, and only its compact form.
import type { IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Backoff, type Logger } from '@kubeblink/core';
import { ApiError, apiError, type KubeHttp, readBody } from '@kubeblink/kube/plain';
import type { WatchEvent } from '../derive/kube-types.ts';
import type { WatcherMetrics } from '../watcher-metrics.ts';
import { type ListPage, parseListPage } from './list-page.ts';
import type { ResourceKind, SourceListener } from './source-types.ts';

export interface ReflectorOptions {
  kind: ResourceKind;
  /** Collection path, e.g. /api/v1/pods or /api/v1/namespaces/demo/pods. */
  path: string;
  labelSelector?: string;
  pageSize: number;
  watchTimeoutSeconds: number;
  watchdogSeconds: number;
  relistIntervalSeconds: number;
  http: KubeHttp;
  emit: SourceListener;
  log: Logger;
  metrics: WatcherMetrics;
  backoff?: { minMs: number; maxMs: number };
}

interface ObjectMeta {
  metadata?: { resourceVersion?: string; continue?: string };
}

type EndCause = 'gone' | 'watchdog' | 'relist' | 'stopped';

class WatchEnded extends Error {
  readonly why: EndCause;
  constructor(why: EndCause, message: string) {
    super(message);
    this.why = why;
  }
}

export class Reflector {
  private readonly o: ReflectorOptions;
  private readonly log: Logger;
  private readonly backoff: Backoff;
  private resourceVersion: string | undefined;
  private needList = true;
  private stopped = false;
  private current: AbortController | undefined;
  private abortCause: EndCause | undefined;
  private relistTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;

  constructor(o: ReflectorOptions) {
    this.o = o;
    this.log = o.log.child({ module: 'reflector', resource: o.kind });
    this.backoff = new Backoff(o.backoff ?? { minMs: 500, maxMs: 30_000 });
  }

  start(): void {
    this.stopped = false;
    this.loop = this.run();
    if (this.o.relistIntervalSeconds > 0) {
      this.relistTimer = setInterval(() => this.relist('relist'), this.o.relistIntervalSeconds * 1000);
      this.relistTimer.unref();
    }
  }

  /** Forces a relist (also used by tests and the periodic timer). */
  relist(cause: 'relist' | 'watchdog' = 'relist'): void {
    this.needList = cause === 'relist' || this.needList;
    this.abortCause = cause;
    this.current?.abort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.relistTimer);
    this.abortCause = 'stopped';
    this.current?.abort();
    await this.loop;
  }

  private query(extra: Record<string, string>): string {
    const q = new URLSearchParams(extra);
    if (this.o.labelSelector) q.set('labelSelector', this.o.labelSelector);
    return `${this.o.path}?${q}`;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.current = new AbortController();
      this.abortCause = undefined;
      try {
        if (this.needList) {
          await this.list(this.current.signal);
          this.needList = false;
        }
        const began = performance.now();
        const events = await this.watch(this.current.signal);
        if (events === 0 && performance.now() - began < 1000) {
          // A watch the server ends at once (it is shutting down, say) must not become a busy loop.
          await sleep(this.backoff.next());
        } else {
          this.backoff.reset();
        }
      } catch (err) {
        if (this.stopped) break;
        const cause = err instanceof WatchEnded ? err.why : this.abortCause;
        if (cause === 'gone') {
          this.needList = true;
          this.o.metrics.watchRestarts.inc({ resource: this.o.kind, cause });
          this.log.info('watch expired (410 Gone): relisting');
          continue;
        }
        if (cause === 'watchdog' || cause === 'relist') {
          this.o.metrics.watchRestarts.inc({ resource: this.o.kind, cause });
          this.log.info({ cause }, 'watch restarted');
          continue;
        }
        const delay = this.backoff.next();
        this.o.metrics.watchRestarts.inc({ resource: this.o.kind, cause: 'error' });
        this.log.warn({ err: (err as Error).message, retryInMs: delay }, 'list/watch failed');
        await sleep(delay);
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    this.o.metrics.relists.inc({ resource: this.o.kind });
    let cont: string | undefined;
    let rv: string | undefined;
    let started = false;
    do {
      const params: Record<string, string> = { limit: String(this.o.pageSize) };
      if (cont) params.continue = cont;
      let page: ListPage<ObjectMeta>;
      try {
        page = parseListPage(await this.o.http.getText(this.query(params), signal));
      } catch (err) {
        // An expired continue token: start the list over (a full sync never mixes two snapshots).
        if (err instanceof ApiError && err.code === 410 && cont) {
          cont = undefined;
          continue;
        }
        throw err;
      }
      if (!started) {
        this.o.emit({ kind: this.o.kind, type: 'SYNC_START' });
        started = true;
      }
      for (const object of page.items()) this.o.emit({ kind: this.o.kind, type: 'ADDED', object } as never);
      rv = page.head.metadata?.resourceVersion;
      cont = page.head.metadata?.continue || undefined;
    } while (cont);
    this.resourceVersion = rv;
    this.o.emit({ kind: this.o.kind, type: 'SYNC_END' });
    this.o.metrics.sawWatchEvent();
  }

  /** Runs one watch request to its end; returns how many lines it delivered. */
  private async watch(signal: AbortSignal): Promise<number> {
    // client-go: timeoutSeconds randomised between the minimum and twice it, so watches spread out.
    const timeout = Math.round(this.o.watchTimeoutSeconds * (1 + Math.random()));
    const params: Record<string, string> = {
      watch: '1',
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(timeout),
    };
    if (this.resourceVersion) params.resourceVersion = this.resourceVersion;
    // A last resort behind the watchdog (which restarts a silent watch first, and counts it as such):
    // the socket fails once idle for the watchdog time (or the server's timeout) plus a margin.
    const idleMs = ((this.o.watchdogSeconds || timeout) + 30) * 1000;
    const res = await this.o.http.get(this.query(params), signal, 'application/json', idleMs);
    if ((res.statusCode ?? 0) === 410) throw new WatchEnded('gone', 'HTTP 410');
    if ((res.statusCode ?? 0) >= 300) throw apiError(res.statusCode ?? 0, await readBody(res));
    return await this.readStream(res);
  }

  private async readStream(res: IncomingMessage): Promise<number> {
    const watchdogMs = this.o.watchdogSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      if (!watchdogMs) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        this.log.warn({ silentSeconds: this.o.watchdogSeconds }, 'watch silent: restarting it');
        this.abortCause = 'watchdog';
        this.current?.abort();
      }, watchdogMs);
    };
    arm();
    const lines = createInterface({ input: res, crlfDelay: Number.POSITIVE_INFINITY });
    let count = 0;
    try {
      for await (const line of lines) {
        if (!line) continue;
        count++;
        arm();
        this.o.metrics.sawWatchEvent();
        this.handleLine(line);
      }
    } finally {
      clearTimeout(timer);
      lines.close();
    }
    if (this.abortCause) throw new WatchEnded(this.abortCause, 'watch aborted');
    return count;
  }

  private handleLine(line: string): void {
    let ev: WatchEvent<ObjectMeta & { code?: number; message?: string }>;
    try {
      ev = JSON.parse(line);
    } catch {
      throw new Error(`watch sent a line that is not JSON: ${line.slice(0, 200)}`);
    }
    this.o.metrics.watchEvents.inc({ resource: this.o.kind, type: ev.type });
    if (ev.type === 'ERROR') {
      const code = ev.object?.code;
      if (code === 410) throw new WatchEnded('gone', ev.object?.message ?? 'Gone');
      throw new ApiError(code ?? 0, `watch error: ${ev.object?.message ?? line.slice(0, 200)}`);
    }
    const rv = ev.object?.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (ev.type === 'BOOKMARK') return;
    if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED') {
      this.o.emit({ kind: this.o.kind, type: ev.type, object: ev.object } as never);
    }
  }
}
