// A small open-loop load generator for the autoscaling demo: N requests a second for S seconds
// (a new request every 1/N s, whether or not earlier ones finished, up to a cap in flight),
// counting answers per pod so a test can see which processes served them. It lives with the demo app
// because it is the demo app's client: it reads the app's reply (`pod`), and on a real cluster it runs
// as `kubeblink load` from the demo app's image (deploy/demos/hpa/load-generator.yaml).
import { request } from 'node:http';

export interface LoadOptions {
  url: string;
  rps: number;
  durationSeconds: number;
  /** Requests in flight at most; later ticks are skipped (and counted) while at the cap. */
  maxInFlight?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called once a second with the running totals. */
  onProgress?: (r: LoadResult) => void;
}

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  skipped: number;
  /** Answers per pod (the demo app names itself in its reply). */
  pods: Record<string, number>;
}

function once(url: URL, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 400) return resolve(undefined);
        try {
          resolve(String(JSON.parse(Buffer.concat(chunks).toString('utf8')).pod ?? '?'));
        } catch {
          resolve('?');
        }
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  if (!(o.rps > 0) || !(o.durationSeconds > 0)) throw new RangeError('rps and durationSeconds must be > 0');
  const url = new URL(o.url.includes('://') ? o.url : `http://${o.url}/`);
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, skipped: 0, pods: {} };
  const maxInFlight = o.maxInFlight ?? 64;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const end = start + o.durationSeconds * 1000;
  let lastProgress = start;
  for (let i = 0; ; i++) {
    // Ticks are scheduled against the start time, so a slow tick does not lower the rate.
    const due = start + (i * 1000) / o.rps;
    if (due >= end || o.signal?.aborted) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inFlight.size >= maxInFlight) {
      result.skipped++;
      continue;
    }
    result.sent++;
    const p = once(url, o.timeoutMs ?? 10_000).then((pod) => {
      if (pod === undefined) result.failed++;
      else {
        result.ok++;
        result.pods[pod] = (result.pods[pod] ?? 0) + 1;
      }
      inFlight.delete(p);
    });
    inFlight.add(p);
    if (o.onProgress && performance.now() - lastProgress >= 1000) {
      lastProgress = performance.now();
      o.onProgress(result);
    }
  }
  await Promise.all(inFlight);
  return result;
}
