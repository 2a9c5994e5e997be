// The classroom scenarios of issue 15, each for kubeblink's broker beside plain Aedes in the same run:
//   1. a frozen subscriber: a healthy subscriber's deliveries per second while the publisher sends
//      1,000 messages/s and another subscriber stops reading its socket (aim: no silent second);
//   2. a login flood: a new login's time to CONNACK while 400 wrong-password CONNECTs for a real user
//      (production scrypt cost, each socket dropped after 50 ms) arrive, from one address and from 40
//      (aim: under 1 s); the baseline is plain Aedes checking the same hash in its authenticate hook;
//   3. revocation: seconds from a token's revocation (its review turns unauthenticated) to the end of
//      its connection, with the default --token-cache-seconds (revoked right after the login: the
//      worst case); plain Aedes never checks a client again.
// Clients are raw MQTT sockets (classroom-clients.ts) in this process: cheap next to the broker.
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { Aedes } from 'aedes';
import { hashPassword, verifyPassword } from '../src/password.ts';
import { startTestBroker } from '../src/testing.ts';
import { POD_NAME_EXTRA, POD_UID_EXTRA, type ReviewStatus } from '../src/tokens.ts';
import { RawClient } from './classroom-clients.ts';

const SECONDS = 14;
const RATE = 1000;
const FLOOD = 400;
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
const creds = {
  watcher: { username: 'watcher', password: 'watcher-pw' },
  reader: { username: 'reader', password: 'reader-pw' },
};

interface Running {
  port: number;
  /** Whether a client with this id is connected, as the broker sees it. */
  has(id: string): boolean;
  stop(): Promise<void>;
}

/** Plain Aedes; with `hash`, its authenticate hook checks every password against it (the naive way). */
async function plainAedes(hash?: string): Promise<Running> {
  const aedes = await Aedes.createBroker(
    hash
      ? {
          authenticate: (_c, _u, password, done) => {
            verifyPassword(password?.toString() ?? '', hash).then(
              (ok) => done(null, ok),
              () => done(null, false),
            );
          },
        }
      : {},
  );
  const server = createServer(aedes.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    has: (id) => !!(aedes as unknown as { clients: Record<string, unknown> }).clients[id],
    stop: async () => {
      await new Promise<void>((r) => aedes.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function kubeblink(cost?: { N: number; r: number; p: number }, reviewer?: () => ReviewStatus) {
  const b = await startTestBroker({
    users: [
      { ...creds.watcher, role: 'watcher', cost },
      { ...creds.reader, role: 'reader', cost },
    ],
    serviceAccounts: [{ namespace: 'demo', name: '*', role: 'app' }],
    ...(reviewer ? { reviewer: async () => reviewer() } : {}),
    settings: { wsPort: -1 },
  });
  return { port: b.port, has: (id: string) => b.broker.hasClient(id), stop: () => b.stop() };
}

/** Healthy-subscriber deliveries in each second of SECONDS at RATE/s, with a frozen subscriber. */
async function frozen(broker: Running, auth: boolean): Promise<{ perSecond: number[]; cutOff: boolean }> {
  try {
    const healthy = await RawClient.open(broker.port, 'healthy', auth ? creds.reader : undefined);
    await healthy.subscribe('kubeblink/#', 1);
    const stuck = await RawClient.open(broker.port, 'frozen', auth ? creds.reader : undefined);
    await stuck.subscribe('kubeblink/#', 1);
    stuck.freeze();
    const pub = await RawClient.open(broker.port, 'publisher', auth ? creds.watcher : undefined);
    const perSecond: number[] = [];
    let last = 0;
    const tick = setInterval(() => pub.publish(topic, payload, 1, RATE / 100), 10);
    for (let s = 0; s < SECONDS; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      perSecond.push(healthy.count - last);
      last = healthy.count;
    }
    clearInterval(tick);
    // A paused socket never sees its end: ask the broker whether it still holds the frozen client.
    const cutOff = !broker.has('frozen');
    for (const c of [healthy, stuck, pub]) c.destroy();
    return { perSecond, cutOff };
  } finally {
    await broker.stop();
  }
}

/** Seconds to a legitimate CONNACK while FLOOD wrong-password CONNECTs arrive from `sources` addresses. */
async function flood(broker: Running, sources: number): Promise<number> {
  try {
    const flooders: Promise<void>[] = [];
    for (let i = 0; i < FLOOD; i++) {
      const localAddress = `127.0.1.${1 + (i % sources)}`;
      flooders.push(RawClient.knock(broker.port, localAddress, { username: 'reader', password: `guess-${i}` }, 50));
    }
    await Promise.all(flooders); // every CONNECT sent, every socket dropped after 50 ms
    const t0 = performance.now();
    const c = await RawClient.open(broker.port, 'teacher', creds.reader, '127.0.0.1');
    const seconds = (performance.now() - t0) / 1000;
    c.destroy();
    return seconds;
  } finally {
    await broker.stop();
  }
}

/** Seconds from revoking a connected token client's token to the end of its connection. */
async function revocation(): Promise<number> {
  let valid = true;
  const review = (): ReviewStatus =>
    valid
      ? {
          authenticated: true,
          audiences: ['kubeblink'],
          user: {
            username: 'system:serviceaccount:demo:web',
            extra: { [POD_NAME_EXTRA]: ['w'], [POD_UID_EXTRA]: ['u'] },
          },
        }
      : { authenticated: false, error: 'pod deleted' };
  const broker = await kubeblink(undefined, review);
  try {
    const jwt = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('{"sub":"w"}').toString('base64url')}.c2ln`;
    const app = await RawClient.open(broker.port, 'app-w', { username: 'w', password: jwt });
    valid = false;
    const t0 = performance.now();
    await app.ended;
    return (performance.now() - t0) / 1000;
  } finally {
    await broker.stop();
  }
}

const fmt = (s: number) => `${s.toFixed(2)} s`;
const started = Date.now();
console.log(
  `classroom (issue 15); clients in this process; load: ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

console.log(`1. healthy-subscriber deliveries per second, ${RATE}/s published, a frozen QoS 1 subscriber connected:`);
const kbRun = await frozen(await kubeblink(), true);
const aeRun = await frozen(await plainAedes(), false);
const silent = (xs: number[]) => xs.filter((x) => x === 0).length;
const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
for (const [name, r] of [
  ['kubeblink   ', kbRun],
  ['plain Aedes ', aeRun],
] as const) {
  const xs = r.perSecond;
  const frozenOne = r.cutOff ? 'the frozen one cut off' : 'the frozen one still connected';
  console.log(`  ${name} ${xs.join(' ')}  (silent seconds: ${silent(xs)}, ${total(xs)} delivered, ${frozenOne})`);
}
const kbFrozen = kbRun.perSecond;
const aeFrozen = aeRun.perSecond;
console.log(`  ratio of deliveries: ${(total(kbFrozen) / Math.max(1, total(aeFrozen))).toFixed(2)}x plain Aedes`);

console.log(
  `2. a new login's time to CONNACK after ${FLOOD} wrong-password CONNECTs (scrypt N=32768), each dropped after 50 ms:`,
);
const hash = await hashPassword(creds.reader.password);
for (const sources of [1, 40]) {
  const kb = await flood(await kubeblink({ N: 32768, r: 8, p: 1 }), sources);
  const ae = await flood(await plainAedes(hash), sources);
  console.log(
    `  from ${String(sources).padStart(2)} address(es): kubeblink ${fmt(kb)}, plain Aedes + scrypt hook ${fmt(ae)} (${(ae / kb).toFixed(1)}x faster)`,
  );
}

console.log('3. revocation delay (token revoked right after its login, default --token-cache-seconds 30):');
console.log(`  kubeblink    ${fmt(await revocation())}`);
console.log('  plain Aedes  never (a connected client is not checked again)');
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
