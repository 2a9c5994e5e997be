// Fan-out throughput: 1 publisher to 100 subscribers, QoS 0 and QoS 1, small JSON payloads, for
//   (a) kubeblink's broker: authentication, ACL and schema validation on (rate limit set high),
//   (b) plain Aedes with no hooks (the baseline),
//   (c) Debian's mosquitto (/usr/sbin/mosquitto on an ephemeral port).
// Prints deliveries per second and the ratios to plain Aedes. Runs alternate between brokers,
// three times, and keep the best of each, so that a busy machine penalises all of them alike.
// The clients run in a separate process (load.ts). Knobs for experiments: BENCH_ROUNDS=n,
// BENCH_NO_MOSQUITTO=1, BENCH_ONLY_KB=1 (profile with --cpu-prof).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Aedes } from 'aedes';
import { startTestBroker } from '../src/testing.ts';

const run = promisify(execFile);
const SUBSCRIBERS = 100;
const MESSAGES = { 0: 3000, 1: 1500 } as const;
const TIMEOUT_MS = 8000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const topic = 'kubeblink/default/nodes/pi3-worker-1/events';
const payload = JSON.stringify({
  specversion: '1.0',
  id: '5f0c2a8e-1b7d-4c3e-9a51-0d2f6b8c9e11/1235/io.kubeblink.pod.ready',
  source: '/kubeblink/default/watcher',
  type: 'io.kubeblink.pod.ready',
  time: '2026-11-29T06:03:00Z',
  subject: 'pods/demo/web-7d9c5b6f4-x2x9k',
  data: {
    namespace: 'demo',
    name: 'web-7d9c5b6f4-x2x9k',
    uid: '5f0c2a8e-1b7d-4c3e-9a51-0d2f6b8c9e11',
    node: 'pi3-worker-1',
    status: 'Running',
    ready: '1/1',
    restarts: 1,
  },
});

interface Target {
  name: string;
  start(): Promise<{ port: number; stop(): Promise<void> }>;
  creds?: { publisher: object; subscriber: object };
}

const kubeblink: Target = {
  name: 'kubeblink (auth+ACL+validation)',
  creds: {
    publisher: { username: 'watcher', password: 'watcher-pw' },
    subscriber: { username: 'reader', password: 'reader-pw' },
  },
  async start() {
    const b = await startTestBroker({
      users: [
        { username: 'watcher', password: 'watcher-pw', role: 'watcher' },
        { username: 'reader', password: 'reader-pw', role: 'reader' },
      ],
      settings: { wsPort: -1, publishRate: 1e9, publishBurst: 1e9 },
    });
    return { port: b.port, stop: () => b.stop() };
  },
};

const plainAedes: Target = {
  name: 'plain Aedes',
  async start() {
    const aedes = await Aedes.createBroker();
    const server = createServer(aedes.handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return {
      port: (server.address() as AddressInfo).port,
      stop: async () => {
        await new Promise<void>((r) => aedes.close(() => r()));
        await new Promise<void>((r) => server.close(() => r()));
      },
    };
  },
};

const MOSQUITTO = '/usr/sbin/mosquitto';
const mosquitto: Target = {
  name: 'mosquitto',
  async start() {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'kubeblink-mosquitto-'));
    const conf = join(dir, 'mosquitto.conf');
    writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest none\n`);
    const child: ChildProcess = spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' });
    await waitForPort(port);
    return {
      port,
      stop: async () => {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listens on ${port}`);
}

async function measure(target: Target, qos: 0 | 1): Promise<{ rate: number; complete: boolean }> {
  const broker = await target.start();
  try {
    const load = {
      port: broker.port,
      qos,
      subscribers: SUBSCRIBERS,
      messages: MESSAGES[qos],
      warmup: 200,
      window: 100,
      topic,
      filter: 'kubeblink/default/nodes/+/events',
      payload,
      publisher: target.creds?.publisher,
      subscriber: target.creds?.subscriber,
      timeoutMs: TIMEOUT_MS,
    };
    const { stdout } = await run(process.execPath, [join(import.meta.dirname, 'load.ts'), JSON.stringify(load)], {
      timeout: 60_000,
    });
    const r = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
      deliveries: number;
      seconds: number;
      complete: boolean;
    };
    return { rate: r.deliveries / r.seconds, complete: r.complete };
  } finally {
    await broker.stop();
  }
}

const targets = process.env.BENCH_ONLY_KB
  ? [kubeblink]
  : [kubeblink, plainAedes, ...(existsSync(MOSQUITTO) && !process.env.BENCH_NO_MOSQUITTO ? [mosquitto] : [])];
if (targets.length < 3) console.log(`(${MOSQUITTO} not installed: apt-get install mosquitto to compare with it)`);
const started = Date.now();
const best = new Map<string, { rate: number; complete: boolean }>();
for (let round = 0; round < ROUNDS; round++) {
  for (const qos of [0, 1] as const) {
    for (const t of targets) {
      const r = await measure(t, qos);
      const key = `${qos}:${t.name}`;
      const prev = best.get(key);
      if (!prev || r.rate > prev.rate) best.set(key, r);
    }
  }
}
console.log(
  `fan-out: 1 publisher -> ${SUBSCRIBERS} subscribers, ${payload.length}-byte JSON, best of ${ROUNDS} alternating runs`,
);
for (const qos of [0, 1] as const) {
  const base = best.get(`${qos}:${plainAedes.name}`)?.rate ?? Number.NaN;
  console.log(`QoS ${qos} (${MESSAGES[qos]} messages):`);
  for (const t of targets) {
    const r = best.get(`${qos}:${t.name}`);
    if (!r) continue;
    const note = r.complete ? '' : ` (incomplete after ${TIMEOUT_MS / 1000}s: rate so far)`;
    console.log(
      `  ${t.name.padEnd(34)} ${Math.round(r.rate).toLocaleString('en').padStart(9)} deliveries/s  ${(r.rate / base).toFixed(2)}x plain Aedes${note}`,
    );
  }
}
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
