// The LED service against a real broker (plain Aedes on a loopback port) with the virtual board:
// retained states, events and signals published by real MQTT peers (mosquitto_pub, the bus client as
// watcher and as app) must produce exact pin-level sequences; bad input must change nothing.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { mosquittoPub } from '@kubeblink/test/support/mosquitto';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { pending, pod, podEvent, signal, terminating, waiting } from '../../../packages/led-engine/test/fixtures.ts';
import {
  alternates,
  appBus,
  at,
  board,
  broker,
  cleanup,
  cleanupAll,
  filters,
  led,
  leds,
  podTopic,
  retain,
  signalTopic,
  watcherBus,
} from './support.ts';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

afterEach(cleanupAll);

describe('LED service with the virtual board (compact layout: pins 17 27 22 5 6 13, status 26)', {
  skip: needMosquitto,
}, () => {
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
    cleanup(() => watcher.stop());
    await watcher.publish(
      { kind: 'nodeEvents', cluster: 'c', node: 'pi1' },
      podEvent(a, 'restarted', { container: 'app', reason: 'Error', exitCode: 1, restartCount: 1 }) as never,
    );
    await until(() => v.valuesOf(17).length === 12, 'triple flash');
    assert.deepEqual(v.valuesOf(17).slice(4), [0, 1, 0, 1, 0, 1, 0, 1], 'three dark-light flashes, back to steady');

    const app = await appBus(b, a);
    cleanup(() => app.stop());
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
});
