// The talk layout's six LEDs per slot, the status LED's patterns and priorities, and the stale
// picture (broker lost or watcher offline) with and without a status LED.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LedEngine } from '../src/engine.ts';
import { BUILTIN_LAYOUTS } from '../src/layout.ts';
import { changes, nodeEvent, oneLedSlots, pending, pod, podEvent, signal, terminating, waiting } from './fixtures.ts';

function talk() {
  const e = new LedEngine({ layout: BUILTIN_LAYOUTS.talk, node: 'pi1' });
  e.setConnected(true, 0);
  e.setClusterStatus('ready', 0);
  const idx = (id: string) => e.leds.findIndex((l) => l.id === id);
  return { e, idx };
}

describe('talk layout', () => {
  it('has 2 slots x 6 LEDs and a status LED, in a fixed order', () => {
    const { e } = talk();
    assert.deepEqual(
      e.leds.map((l) => l.id),
      [
        ...['online', 'request', 'livenessOk', 'livenessFail', 'readinessOk', 'readinessFail'].map((r) => `slot0.${r}`),
        ...['online', 'request', 'livenessOk', 'livenessFail', 'readinessOk', 'readinessFail'].map((r) => `slot1.${r}`),
        'status',
      ],
    );
  });

  it('requests flash the request LED (coalesced), never the online LED', () => {
    const { e, idx } = talk();
    const a = pod('a');
    const inputs: [number, (t: number) => void][] = [
      [0, (t) => e.setPod(a, t)],
      [1000, (t) => e.applySignal(signal(a, 'request'), t)],
      [1030, (t) => e.applySignal(signal(a, 'request'), t)],
    ];
    assert.deepEqual(changes(e, idx('slot0.request'), 900, 1400, inputs), [
      [0, 0],
      [100, 1],
      [160, 0],
      [250, 1],
      [310, 0],
    ]);
    const t2 = talk();
    const b = pod('a');
    assert.deepEqual(
      changes(t2.e, t2.idx('slot0.online'), 900, 1400, [
        [0, (t) => t2.e.setPod(b, t)],
        [1000, (t) => t2.e.applySignal(signal(b, 'request'), t)],
      ]),
      [[0, 1]],
    );
  });

  it('the online LED tells pending, image pull failure and crash loop apart', () => {
    const { e, idx } = talk();
    e.setPod(pending(pod('a', { createdAt: '2026-11-29T06:00:00Z' })), 0);
    e.setPod(waiting(pod('b', { createdAt: '2026-11-29T06:00:01Z' }), 'ImagePullBackOff'), 0);
    const snap = e.snapshot(300);
    assert.deepEqual(
      snap.leds.filter((l) => l.role === 'online').map((l) => l.pattern),
      ['slowBlink', 'doubleBlink'],
    );
    e.setPod(waiting(pod('b', { uid: snap.slots[1]?.pod?.uid as string }), 'CrashLoopBackOff'), 400);
    assert.equal(e.snapshot(400).leds[idx('slot1.online')]?.pattern, 'bursts');
  });

  it('liveness ok flashes the ok LED; a failure lights the fail LED until the next ok', () => {
    const { e, idx } = talk();
    const a = pod('a');
    const live = (at: number, ok: boolean): [number, (t: number) => void] => [
      at,
      (t) => e.applySignal(signal(a, 'liveness', ok), t),
    ];
    const inputs = [
      [0, (t: number) => e.setPod(a, t)] as [number, (t: number) => void],
      live(1000, true),
      live(2000, false),
      live(3000, false),
      live(4000, true),
    ];
    assert.deepEqual(changes(e, idx('slot0.livenessOk'), 900, 4500, inputs), [
      [0, 0],
      [100, 1],
      [220, 0],
      [3100, 1],
      [3220, 0],
    ]);
    const t2 = talk();
    const inputs2 = inputs.map(([at]) => at);
    const okAt = [undefined, true, false, false, true];
    assert.deepEqual(
      changes(
        t2.e,
        t2.idx('slot0.livenessFail'),
        900,
        4500,
        inputs2.map((at, i) => [
          at,
          (t) => (i === 0 ? t2.e.setPod(a, t) : t2.e.applySignal(signal(a, 'liveness', okAt[i]), t)),
        ]),
      ),
      [
        [0, 0],
        [1100, 1], // 2000: first failure lights it
        [2100, 0], // 3000: a repeated failure blinks it dark for 120 ms
        [2220, 1],
        [3100, 0], // 4000: ok again
      ],
    );
  });

  it('readiness LEDs follow readiness signals the same way', () => {
    const { e, idx } = talk();
    const a = pod('a');
    e.setPod(a, 0);
    e.levels(300);
    e.applySignal(signal(a, 'readiness', false), 1000);
    assert.deepEqual([e.levels(1000)[idx('slot0.readinessFail')], e.levels(1000)[idx('slot0.readinessOk')]], [1, 0]);
    e.applySignal(signal(a, 'readiness', true), 2000);
    assert.deepEqual([e.levels(2000)[idx('slot0.readinessFail')], e.levels(2000)[idx('slot0.readinessOk')]], [0, 1]);
  });

  it('terminating: the online LED fades, request and probe LEDs go dark and ignore signals', () => {
    const { e, idx } = talk();
    const a = pod('a');
    e.setPod(a, 0);
    e.levels(300);
    e.applySignal(signal(a, 'liveness', false), 900);
    e.setPod(terminating(a), 1000);
    e.applySignal(signal(a, 'request'), 1010);
    const lv = e.levels(1010);
    assert.equal(lv[idx('slot0.online')], 1 - 10 / 2000);
    assert.deepEqual(
      ['request', 'livenessOk', 'livenessFail', 'readinessOk', 'readinessFail'].map((r) => lv[idx(`slot0.${r}`)]),
      [0, 0, 0, 0, 0],
    );
  });

  it('the restart triple flash shows on the online LED', () => {
    const { e, idx } = talk();
    const a = pod('a');
    e.setPod(a, 0);
    e.levels(300);
    e.applyEvent(
      podEvent(a, 'restarted', { container: 'app', reason: 'OOMKilled', exitCode: 137, restartCount: 1 }),
      1000,
    );
    assert.equal(e.snapshot(1000).leds[idx('slot0.online')]?.pattern, 'tripleFlash');
    assert.equal(e.levels(1000)[idx('slot0.online')], 0);
  });
});

describe('status LED', () => {
  const statusOf = (e: LedEngine, t: number) => e.snapshot(t).leds.find((l) => l.role === 'status')?.pattern;

  it('patterns: broker lost, syncing, ready, watcher offline, node not ready', () => {
    const e = new LedEngine({ layout: oneLedSlots(1, { status: true }), node: 'pi1' });
    const s = e.leds.length - 1;
    assert.deepEqual(changes(e, s, 0, 450), [
      [0, 1],
      [100, 0],
      [200, 1],
      [300, 0],
      [400, 1],
    ]);
    e.setConnected(true, 1000);
    assert.deepEqual(changes(e, s, 1000, 2100), [
      [0, 1],
      [500, 0],
      [1000, 1],
    ]);
    e.setClusterStatus('ready', 3000);
    assert.deepEqual(changes(e, s, 3000, 4000), [[0, 1]]);
    e.setClusterStatus('offline', 5000);
    assert.deepEqual(changes(e, s, 5000, 7000), [
      [0, 1],
      [100, 0],
      [1000, 1],
      [1100, 0],
    ]);
    e.setClusterStatus('ready', 8000);
    e.applyEvent(nodeEvent('pi1', 'notready'), 9000);
    assert.deepEqual(changes(e, s, 9000, 11100), [
      [0, 1],
      [250, 0],
      [500, 1],
      [750, 0],
      [2000, 1],
    ]);
    e.applyEvent(nodeEvent('pi2', 'ready'), 11000); // another node's event changes nothing
    assert.equal(statusOf(e, 11000), 'statusNodeNotReady');
    e.applyEvent(nodeEvent('pi1', 'ready'), 12000);
    assert.equal(statusOf(e, 12000), 'steady');
  });

  it('priorities: broker lost > watcher offline > node not ready > syncing > overflow > steady', () => {
    const e = new LedEngine({ layout: oneLedSlots(1, { status: true }), node: 'pi1' });
    e.setConnected(true, 0);
    e.setClusterStatus('ready', 0);
    e.setPod(pod('a', { createdAt: '2026-11-29T06:00:00Z' }), 0);
    e.setPod(pod('b', { createdAt: '2026-11-29T06:00:01Z' }), 0);
    assert.equal(statusOf(e, 300), 'statusOverflow');
    e.setClusterStatus('syncing', 400);
    assert.equal(statusOf(e, 400), 'statusSyncing');
    e.applyEvent(nodeEvent('pi1', 'unreachable'), 500);
    assert.equal(statusOf(e, 500), 'statusNodeNotReady');
    e.setClusterStatus('offline', 600);
    assert.equal(statusOf(e, 600), 'statusWatcherOffline');
    e.setConnected(false, 700);
    assert.equal(statusOf(e, 700), 'statusBrokerLost');
  });

  it('with a status LED, a stale picture keeps the slots exactly as they were', () => {
    const e = new LedEngine({ layout: oneLedSlots(1, { status: true, pwm: true }), node: 'pi1' });
    e.setConnected(true, 0);
    e.setClusterStatus('ready', 0);
    e.setPod(pod('a'), 0);
    assert.equal(e.levels(300)[0], 1);
    e.setConnected(false, 1000);
    assert.equal(e.levels(1000)[0], 1);
    assert.equal(e.snapshot(1000).stale, true);
  });
});

describe('stale picture without a status LED', () => {
  it('PWM: every lit slot LED is dimmed to 15 %, the last state kept, restored on reconnect', () => {
    const e = new LedEngine({ layout: oneLedSlots(2, { pwm: true }), node: 'pi1' });
    e.setConnected(true, 0);
    e.setClusterStatus('ready', 0);
    e.setPod(pod('a'), 0);
    assert.deepEqual(e.levels(300), [1, 0]);
    e.setConnected(false, 1000);
    assert.deepEqual(e.levels(1000), [0.15, 0]);
    e.setConnected(true, 2000);
    e.setPod(pod('a', { uid: e.snapshot(2000).slots[0]?.pod?.uid as string }), 2010); // redelivered retained state
    assert.deepEqual(e.levels(2010), [1, 0]);
    assert.deepEqual(e.levels(5000), [1, 0], 'the redelivered pod survives the resync');
  });

  it('on/off: a lit LED shows only a 100 ms blip each second while the watcher is offline', () => {
    const e = new LedEngine({ layout: oneLedSlots(1), node: 'pi1' });
    e.setConnected(true, 0);
    e.setClusterStatus('ready', 0);
    const a = pod('a');
    assert.deepEqual(
      changes(e, 0, 0, 3500, [
        [0, (t) => e.setPod(a, t)],
        [1000, (t) => e.setClusterStatus('offline', t)],
        [3200, (t) => e.setClusterStatus('ready', t)],
      ]),
      [
        [0, 0],
        [250, 1],
        [1100, 0],
        [2000, 1],
        [2100, 0],
        [3000, 1],
        [3100, 0],
        [3200, 1],
      ],
    );
  });

  it('after a reconnect, pods whose retained state is not redelivered are removed', () => {
    const e = new LedEngine({ layout: oneLedSlots(2), node: 'pi1' });
    e.setConnected(true, 0);
    e.setClusterStatus('ready', 0);
    const a = pod('a', { createdAt: '2026-11-29T06:00:00Z' });
    const b = pod('b', { createdAt: '2026-11-29T06:00:01Z' });
    e.setPod(a, 0);
    e.setPod(b, 0);
    assert.deepEqual(e.levels(300), [1, 1]);
    e.setConnected(false, 1000);
    e.setConnected(true, 5000);
    e.setPod(b, 5050);
    assert.deepEqual(e.levels(6999), [1, 1], 'last state kept during the resync window');
    assert.deepEqual(e.levels(7000), [0, 1], 'a was deleted while we were away');
  });
});
