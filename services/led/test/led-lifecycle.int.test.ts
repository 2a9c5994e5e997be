// The LED service's life: a broker that goes away and comes back (or is not there at start), a
// restart that must draw the same picture from the retained states, and SIGTERM on a real
// `kubeblink led` process that must leave every LED off and the GPIO released.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { retainedMessages } from '@kubeblink/test/support/mosquitto';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { pending, pod, waiting } from '../../../packages/led-engine/test/fixtures.ts';
import {
  at,
  board,
  broker,
  cleanup,
  cleanupAll,
  freePort,
  led,
  leds,
  podTopic,
  retain,
  shape,
  startLed,
} from './support.ts';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const cli = join(import.meta.dirname, '..', '..', 'cli', 'bin', 'kubeblink.js');
afterEach(cleanupAll);

describe('LED service: broker, restart and shutdown', { skip: needMosquitto }, () => {
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
  it('starts without a broker (status LED: broker lost) and catches up when it comes', async () => {
    const b = new PlainBroker();
    b.port = await freePort();
    cleanup(() => b.stop());
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
    cleanup(() => rmSync(dir, { recursive: true, force: true }));
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
    cleanup(() => {
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
