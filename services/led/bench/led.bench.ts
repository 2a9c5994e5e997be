// LED service benchmark: edge timing against the engine's schedule and CPU per second of animation,
// idle (baseline) and while 200 messages/s arrive over a real broker, measured in the same run.
// The service runs in this process (virtual board, compact layout, 50 fps) so process.cpuUsage() is
// its CPU; the broker and the load generator are child processes. Ratios are loaded / idle.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { BUILTIN_LAYOUTS, LedEngine } from '@kubeblink/led-engine';
import { notReady, pending, pod, waiting } from '../../../packages/led-engine/test/fixtures.ts';
import type { LedService } from '../src/led-service.ts';
import { at, startLed, watcherBus } from '../test/support.ts';

const SECONDS = Number(process.env.LED_BENCH_SECONDS ?? 8);
const RATE = 200;
const here = import.meta.dirname;

function child(file: string, args: string[]): { proc: ChildProcess; line: Promise<string> } {
  const proc = spawn(process.execPath, [join(here, file), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const line = new Promise<string>((resolve, reject) => {
    proc.stdout?.on('data', (d) => {
      out += d;
      const i = out.indexOf('\n');
      if (i >= 0) resolve(out.slice(0, i));
    });
    proc.on('exit', (code) => reject(new Error(`${file} exited ${code}`)));
  });
  return { proc, line };
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};

async function phase(svc: LedService, seconds: number, load?: () => Promise<unknown>) {
  // Collect the start-up garbage (schemas, modules) now, not inside the measured window
  // (npm run bench gives node --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  svc.driver.lateness.length = 0;
  const frames0 = svc.driver.frames;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const loading = load?.();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  await loading;
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const lateness = [...svc.driver.lateness];
  return {
    cpuMsPerSecond: (cpu.user + cpu.system) / 1000 / wall,
    p50: pct(lateness, 50),
    p99: pct(lateness, 99),
    edges: lateness.length,
    frames: svc.driver.frames - frames0,
  };
}

/** The engine alone: microseconds per frame (levels + nextChange) for the same picture. */
function engineOnly(pods: ReturnType<typeof pod>[]): number {
  const e = new LedEngine({ layout: BUILTIN_LAYOUTS.compact, node: 'pi1' });
  e.setConnected(true, 0);
  e.setClusterStatus('ready', 0);
  for (const p of pods) e.setPod(p, 0);
  const frames = 50_000;
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) {
    const t = 2000 + i * 20;
    e.levels(t);
    e.nextChange(t, 20);
  }
  return ((performance.now() - t0) * 1000) / frames;
}

const pods = [
  pod('web-a', { createdAt: at(1) }),
  pod('web-b', { createdAt: at(2) }),
  pod('web-c', { createdAt: at(3) }),
  pending(pod('job', { createdAt: at(4) })),
  waiting(pod('crash', { createdAt: at(5) }), 'CrashLoopBackOff'),
  notReady(pod('warming', { createdAt: at(6) })),
];

const broker = child('broker-child.ts', []);
const port = Number(await broker.line);
const url = `mqtt://127.0.0.1:${port}`;
// The service as the integration tests start it: virtual board, compact layout, 50 fps, loopback HTTP.
const svc = await startLed({ url });
// The pods' states as the watcher would publish them (the load generator connects as admin).
{
  const w = await watcherBus({ url });
  await w.publish({ kind: 'clusterStatus', cluster: 'c' }, { state: 'ready' });
  for (const p of pods)
    await w.publish({ kind: 'podState', cluster: 'c', node: 'pi1', namespace: p.namespace, pod: p.name }, p);
  await w.stop().catch(() => {});
  // w.stop() publishes the watcher's `offline`; say `ready` again as a live watcher would.
  const again = await watcherBus({ url });
  await again.publish({ kind: 'clusterStatus', cluster: 'c' }, { state: 'ready' });
  setTimeout(() => again.stop(), (SECONDS * 2 + 5) * 1000).unref();
}
await new Promise((r) => setTimeout(r, 1500)); // slots placed, patterns running

const idle = await phase(svc, SECONDS);
const loaded = await phase(svc, SECONDS, async () => {
  const load = child('load-child.ts', [url, String(RATE), String(SECONDS), JSON.stringify(pods.slice(0, 3))]);
  const sent = await load.line;
  await once(load.proc, 'exit').catch(() => {});
  return sent;
});
const usPerFrame = engineOnly(pods);
const tick = child('tick-child.ts', [String(Math.min(SECONDS, 5))]);
const emptyTimer = Number(await tick.line);

await svc.stop();
broker.proc.kill('SIGTERM');

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
console.log(
  `LED service, compact layout, 6 pods (3 steady, slow blink, bursts, breathing at 50 fps), ${SECONDS} s per phase`,
);
console.log('phase            edges  p50 late ms  p99 late ms  frames  CPU ms/s');
for (const [name, r] of [
  ['idle (baseline)', idle],
  [`${RATE} msg/s`, loaded],
] as const) {
  console.log(
    `${name.padEnd(15)}  ${String(r.edges).padStart(5)}  ${f(r.p50).padStart(11)}  ${f(r.p99).padStart(11)}  ${String(r.frames).padStart(6)}  ${f(r.cpuMsPerSecond).padStart(8)}`,
  );
}
console.log(
  `ratio loaded/idle: p50 lateness x${f(loaded.p50 / idle.p50)}, p99 lateness x${f(loaded.p99 / idle.p99)}, CPU x${f(loaded.cpuMsPerSecond / idle.cpuMsPerSecond)}`,
);
console.log(
  `an empty Node process waking at 50 Hz: ${f(emptyTimer)} CPU ms/s; the idle service costs x${f(idle.cpuMsPerSecond / emptyTimer)} that`,
);
console.log(
  `engine alone: ${f(usPerFrame, 1)} us per frame (levels + nextChange); at 50 fps that is ${f((usPerFrame * 50) / 1000, 3)} ms CPU/s, ${f(((usPerFrame * 50) / 1000 / idle.cpuMsPerSecond) * 100, 1)} % of the idle service`,
);
process.exit(0);
