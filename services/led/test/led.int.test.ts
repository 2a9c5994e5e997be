// The LED service against a real broker (plain Aedes on a loopback port) with the virtual board:
// retained states, events and signals published by real MQTT peers (mosquitto_pub, the bus client as
// watcher and as app) must produce exact pin-level sequences.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { mosquittoPub, retainedMessages } from '@kubeblink/test/support/mosquitto';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { until } from '@kubeblink/test/support/wait';
import { pending, pod, podEvent, signal, terminating, waiting } from '../../../packages/led-engine/test/fixtures.ts';
import type { LedService } from '../src/service.ts';
import {
  alternates,
  appBus,
  board,
  filters,
  leds,
  podTopic,
  shape,
  signalTopic,
  startLed,
  watcherBus,
} from './support.ts';

const cli = join(import.meta.dirname, '..', '..', 'cli', 'bin', 'kubeblink.js');

const at = (s: number) => `2026-11-29T06:00:${String(s).padStart(2, '0')}Z`;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function broker(): Promise<PlainBroker> {
  const b = await new PlainBroker().start();
  cleanups.push(() => b.stop());
  return b;
}
async function led(b: PlainBroker, over = {}): Promise<LedService> {
  const svc = await startLed(b, over);
  cleanups.push(() => svc.stop());
  return svc;
}
const retain = (b: PlainBroker, topic: string, payload: unknown) =>
  mosquittoPub(b.port, topic, payload === null ? null : JSON.stringify(payload), { retain: true, qos: 1 });

describe('LED service with the virtual board (compact layout: pins 17 27 22 5 6 13, status 26)', () => {
  it('renders the retained states at start, subscribed only to its node and the cluster status', async () => {
    const b = await broker();
    const a = pod('a', { createdAt: at(1) });
    const p = pending(pod('b', { createdAt: at(2) }));
    const d = waiting(pod('d', { createdAt: at(3) }), 'CrashLoopBackOff');
    await retain(b, 'kubeblink/c/status', { state: 'ready' });
    for (const x of [d, p, a]) await retain(b, podTopic(x), x);
    await retain(
      b,
      podTopic(pod('coredns', { namespace: 'kube-system' })),
      pod('coredns', { namespace: 'kube-system' }),
    );
    await retain(b, podTopic(pod('elsewhere', { node: 'pi2' }), 'pi2'), pod('elsewhere', { node: 'pi2' }));
    const subscribed: string[] = [];
    b.aedes?.on('subscribe', (subs, client) => {
      if (client?.id.startsWith('led-test')) subscribed.push(...subs.map((s) => s.topic));
    });

    const svc = await led(b);
    const v = board(svc);
    await until(() => v.valuesOf(22).length >= 10 && v.valuesOf(27).length >= 3, 'a burst and a blink');
    const pic = await leds(svc);
    assert.deepEqual(
      pic.slots.map((s) => s.pod && `${s.pod.name}:${s.pod.kind}`),
      ['a:ready', 'b:pending', 'd:crashLoop', null, null, null],
    );
    assert.deepEqual(subscribed.sort(), [filters.node('c', 'pi1'), 'kubeblink/c/status'].sort());
    assert.deepEqual(v.valuesOf(17), [0, 1], 'ready: dark at start, then steady on');
    assert.ok(alternates(v.valuesOf(27), 0), `pending: slow blink ${v.valuesOf(27)}`);
    assert.ok(alternates(v.valuesOf(22), 0), `crash loop: bursts ${v.valuesOf(22)}`);
    for (const pin of [5, 6, 13]) assert.deepEqual(v.valuesOf(pin), [0], `empty slot on pin ${pin}`);
    assert.equal(pic.pins['26'], 1, 'status: connected and the cluster is ready');
    assert.equal(pic.leds.find((l) => l.id === 'status')?.pattern, 'steady');
  });

  it('follows signals and events: request flash, restart triple flash, coalesced bursts, fade out, tombstone', async () => {
    const b = await broker();
    const a = pod('a', { createdAt: at(1) });
    const w = pod('w', { createdAt: at(9) });
    await retain(b, 'kubeblink/c/status', { state: 'ready' });
    await retain(b, podTopic(a), a);
    const svc = await led(b, { layout: 'compact' });
    const v = board(svc);
    await until(() => v.valuesOf(17).length === 2, 'pod a on');

    await mosquittoPub(b.port, signalTopic(a), JSON.stringify(signal(a, 'request')));
    await until(() => v.valuesOf(17).length === 4, 'request flash');
    assert.deepEqual(v.valuesOf(17), [0, 1, 0, 1]);

    const watcher = await watcherBus(b);
    cleanups.push(() => watcher.stop());
    await watcher.publish(
      { kind: 'nodeEvents', cluster: 'c', node: 'pi1' },
      podEvent(a, 'restarted', { container: 'app', reason: 'Error', exitCode: 1, restartCount: 1 }) as never,
    );
    await until(() => v.valuesOf(17).length === 12, 'triple flash');
    assert.deepEqual(v.valuesOf(17).slice(4), [0, 1, 0, 1, 0, 1, 0, 1], 'three dark-light flashes, back to steady');

    const app = await appBus(b, a);
    cleanups.push(() => app.stop());
    for (let i = 0; i < 20; i++) {
      await app.publish(
        { kind: 'podSignals', cluster: 'c', node: 'pi1', namespace: 'demo', pod: 'a' },
        signal(a, 'request') as never,
      );
    }
    await until(
      async () => (await leds(svc)).leds[0]?.pattern === 'steady' && v.valuesOf(17).length > 12,
      'flashes done',
    );
    await new Promise((r) => setTimeout(r, 400));
    const flashes = v.valuesOf(17).slice(12);
    assert.ok(alternates(flashes, 0), `flashes: ${flashes}`);
    assert.ok(flashes.length >= 4 && flashes.length < 40, `20 requests coalesced into ${flashes.length / 2} flashes`);

    await retain(b, podTopic(w), w); // a second pod, for the slot freed below
    await retain(b, podTopic(a), terminating(a));
    await until(async () => (await leds(svc)).pins['17'] === 0, 'fade out done');
    const fade = v.valuesOf(17).slice(12 + flashes.length);
    assert.ok(fade.length > 5, `a smooth PWM fade writes many levels: ${fade}`);
    assert.ok(
      fade.every((x, i) => i === 0 || x <= (fade[i - 1] as number)),
      `monotonic: ${fade}`,
    );
    assert.equal((await leds(svc)).slots[0]?.pod?.kind, 'terminating', 'keeps its slot while terminating');
    await retain(b, podTopic(a), null);
    await until(async () => (await leds(svc)).slots[0]?.pod === null, 'tombstone frees slot 0');
    assert.equal((await leds(svc)).slots[1]?.pod?.name, 'w', 'w stays where it is');
  });

  it('talk layout: probe results on their own LEDs', async () => {
    const b = await broker();
    const a = pod('a');
    await retain(b, 'kubeblink/c/status', { state: 'ready' });
    await retain(b, podTopic(a), a);
    const svc = await led(b, { layout: 'talk' });
    const v = board(svc);
    await until(() => v.valuesOf(4).at(-1) === 1, 'online');
    await mosquittoPub(b.port, signalTopic(a), JSON.stringify(signal(a, 'liveness', false)));
    await mosquittoPub(b.port, signalTopic(a), JSON.stringify(signal(a, 'readiness', true)));
    await until(() => v.valuesOf(22).length === 2 && v.valuesOf(5).length === 3, 'probe LEDs');
    assert.deepEqual(v.valuesOf(22), [0, 1], 'liveness fail lit');
    assert.deepEqual(v.valuesOf(5), [0, 1, 0], 'readiness ok flashed');
    assert.deepEqual(v.valuesOf(27), [0], 'liveness ok untouched');
    assert.deepEqual(v.valuesOf(17), [0], 'request LED untouched');
  });

  it('malformed payloads change nothing and the service stays up', async () => {
    const b = await broker();
    const a = pod('a');
    await retain(b, 'kubeblink/c/status', { state: 'ready' });
    await retain(b, podTopic(a), a);
    const svc = await led(b);
    const v = board(svc);
    await until(() => v.valuesOf(17).length === 2, 'pod a on');
    const before = await leds(svc);
    const writes = v.writes.length;
    const bad: [string, string][] = [
      [podTopic(a), 'not json'],
      [podTopic(a), JSON.stringify({ ...a, phase: 'Exploded' })],
      [podTopic(pod('x')), JSON.stringify(a)], // a state under another pod's topic
      [signalTopic(a), JSON.stringify({ ...signal(a, 'request'), type: 'io.kubeblink.app.dance' })],
      [signalTopic(a), JSON.stringify(signal(pod('other'), 'request'))],
      ['kubeblink/c/nodes/pi1/events', '{"specversion":"1.0"}'],
      ['kubeblink/c/status', JSON.stringify({ state: 'melting' })],
      [signalTopic(a), '\u00ff\u00fe{'],
    ];
    for (const [topic, payload] of bad) await mosquittoPub(b.port, topic, payload);
    await mosquittoPub(b.port, 'kubeblink/c/nodes/pi1/events', null); // empty payload on a topic without tombstones
    await until(async () => {
      const text = await (await fetch(`http://127.0.0.1:${svc.http.port}/metrics`)).text();
      const m = [...text.matchAll(/^kubeblink_bus_messages_invalid_total\{[^}]*\} (\d+)/gm)];
      return m.reduce((s, x) => s + Number(x[1]), 0) === bad.length + 1;
    }, 'every bad message counted');
    const after = await leds(svc);
    assert.deepEqual({ ...after, at: 0 }, { ...before, at: 0 });
    assert.equal(v.writes.length, writes, 'no pin was written');
    assert.equal((await fetch(`http://127.0.0.1:${svc.http.port}/healthz`)).status, 200);
    await mosquittoPub(b.port, signalTopic(a), JSON.stringify(signal(a, 'request')));
    await until(() => v.valuesOf(17).length === 4, 'a valid signal still flashes');
  });

  it('broker lost and watcher offline: distinct status patterns, last state kept, recovered on reconnect', async () => {
    const b = await broker();
    const a = pod('a');
    await retain(b, 'kubeblink/c/status', { state: 'ready' });
    await retain(b, podTopic(a), a);
    const svc = await led(b);
    const v = board(svc);
    await until(
      async () => (await leds(svc)).leds.at(-1)?.pattern === 'steady' && v.valuesOf(17).length === 2,
      'ready',
    );
    await retain(b, 'kubeblink/c/status', { state: 'offline' });
    await until(async () => (await leds(svc)).leds.at(-1)?.pattern === 'statusWatcherOffline', 'watcher offline');
    await b.stop();
    await until(async () => (await leds(svc)).leds.at(-1)?.pattern === 'statusBrokerLost', 'broker lost');
    const lost = v.valuesOf(26).length;
    await until(() => v.valuesOf(26).length > lost + 4, 'status LED blinks fast');
    assert.deepEqual(v.valuesOf(17), [0, 1], 'the slot keeps its last state');
    await b.start(); // same port, empty: a broker that lost its state
    await retain(b, 'kubeblink/c/status', { state: 'ready' });
    await retain(b, podTopic(a), a);
    await until(async () => (await leds(svc)).leds.at(-1)?.pattern === 'steady', 'recovered', 20_000);
    await new Promise((r) => setTimeout(r, 2500)); // past the resync window: a was redelivered
    assert.equal((await leds(svc)).slots[0]?.pod?.name, 'a');
  });
});

describe('LED service restart and shutdown', () => {
  it('starts without a broker (status LED: broker lost) and catches up when it comes', async () => {
    const b = new PlainBroker();
    b.port = await freePort();
    cleanups.push(() => b.stop());
    const svc = await led(b);
    await until(async () => (await leds(svc)).leds.at(-1)?.pattern === 'statusBrokerLost', 'broker lost at start');
    await b.start();
    const a = pod('a');
    await retain(b, 'kubeblink/c/status', { state: 'ready' });
    await retain(b, podTopic(a), a);
    await until(async () => (await leds(svc)).pins['17'] === 1, 'pod shown once the broker is up', 20_000);
    assert.equal((await leds(svc)).leds.at(-1)?.pattern, 'steady');
  });

  it('a restarted service renders the same picture from the retained states', async () => {
    const b = await broker();
    await retain(b, 'kubeblink/c/status', { state: 'ready' });
    const pods = [
      pod('web-0', { createdAt: at(5), owner: { kind: 'StatefulSet', name: 'web' }, ordinal: 0 }),
      pod('api', { createdAt: at(1) }),
      pending(pod('job', { createdAt: at(2) })),
      waiting(pod('bad', { createdAt: at(3) }), 'ImagePullBackOff'),
      pod('web-2', { createdAt: at(7), owner: { kind: 'StatefulSet', name: 'web' }, ordinal: 2 }),
    ];
    for (const p of pods) await retain(b, podTopic(p), p);
    const first = await startLed(b);
    await until(async () => (await leds(first)).slots.filter((s) => s.pod).length === 5, 'five pods placed');
    const before = shape(await leds(first));
    await first.stop();
    const second = await led(b);
    await until(async () => (await leds(second)).slots.filter((s) => s.pod).length === 5, 'five pods placed again');
    assert.deepEqual(shape(await leds(second)), before);
    assert.deepEqual(before.slots, [
      'demo/web-0 ready',
      'demo/api ready',
      'demo/web-2 ready',
      'demo/job pending',
      'demo/bad imagePull',
      null,
    ]);
  });

  it('SIGTERM (a real `kubeblink led` process): every LED off, GPIO released, exit 0', async () => {
    const b = await broker();
    const a = pod('a');
    await retain(b, 'kubeblink/c/status', { state: 'ready' });
    await retain(b, podTopic(a), a);
    const dir = mkdtempSync(join(tmpdir(), 'kubeblink-led-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const record = join(dir, 'pins.json');
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        cli,
        'led',
        '--node',
        'pi1',
        '--board',
        'virtual',
        '--layout',
        'compact',
        '--broker',
        b.url,
        '--cluster',
        'c',
        '--http-host',
        '127.0.0.1',
        '--http-port',
        String(port),
        '--virtual-record',
        record,
        '--log-format',
        'json',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const picture = await until(
      async () => {
        const r = await fetch(`http://127.0.0.1:${port}/leds`);
        const p = (await r.json()) as { pins: Record<string, number> };
        return p.pins['17'] === 1 && p.pins['26'] === 1 ? p : null;
      },
      `pod a and the status LED lit (stderr: ${stderr})`,
      30_000,
    );
    assert.equal(picture.pins['17'], 1);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    const rec = JSON.parse(readFileSync(record, 'utf8')) as {
      released: boolean;
      final: Record<string, number>;
      writes: { pin: number; value: number }[];
    };
    assert.equal(rec.released, true);
    assert.deepEqual(rec.final, { '17': 0, '27': 0, '22': 0, '5': 0, '6': 0, '13': 0, '26': 0 });
    assert.deepEqual(
      rec.writes.filter((w) => w.pin === 17).map((w) => w.value),
      [0, 1, 0],
      'pin 17 was lit, then turned off at shutdown',
    );
    assert.match(stderr, /every LED off, GPIO released/);
    const status = await retainedMessages(b.port, 'kubeblink/c/services/led/+/status');
    assert.deepEqual(status, [], 'the service status was cleared on the clean shutdown');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
