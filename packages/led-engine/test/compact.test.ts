// Every compact pattern and its priority rules, as exact level changes on a fake clock. A pod whose
// state arrives at t=0 takes its slot at t=250 (assignDelayMs), where its pattern starts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LedEngine } from '../src/engine.ts';
import { changes, notReady, oneLedSlots, pending, pod, podEvent, signal, terminating, waiting } from './fixtures.ts';

function engine(pwm: boolean) {
  const e = new LedEngine({ layout: oneLedSlots(1, { pwm }), node: 'pi1' });
  e.setConnected(true, 0);
  e.setClusterStatus('ready', 0);
  return e;
}

describe('compact patterns (one state LED per slot)', () => {
  it('running and ready: steady on, once the pod has its slot', () => {
    const e = engine(false);
    assert.deepEqual(changes(e, 0, 0, 3000, [[0, (t) => e.setPod(pod('a'), t)]]), [
      [0, 0],
      [250, 1],
    ]);
  });

  it('pending / creating: slow blink 500 on, 500 off', () => {
    const e = engine(true);
    assert.deepEqual(changes(e, 0, 0, 2300, [[0, (t) => e.setPod(pending(pod('a')), t)]]), [
      [0, 0],
      [250, 1],
      [750, 0],
      [1250, 1],
      [1750, 0],
      [2250, 1],
    ]);
  });

  it('running, not ready: breathing on a PWM pin (smooth, 2.4 s period, never fully dark)', () => {
    const e = engine(true);
    e.setPod(notReady(pod('a')), 0);
    const at = (t: number) => e.levels(t)[0] as number;
    assert.equal(at(250), 1);
    assert.ok(Math.abs(at(250 + 600) - 0.54) < 1e-9);
    assert.ok(Math.abs(at(250 + 1200) - 0.08) < 1e-9);
    assert.ok(Math.abs(at(250 + 1800) - 0.54) < 1e-9);
    assert.equal(at(250 + 2400), 1);
    assert.equal(e.nextChange(1000, 20), 1020, 'a smooth curve asks for the next frame');
  });

  it('running, not ready without PWM: 1500 on, 500 off (unlike the even slow blink)', () => {
    const e = engine(false);
    assert.deepEqual(changes(e, 0, 0, 4300, [[0, (t) => e.setPod(notReady(pod('a')), t)]]), [
      [0, 0],
      [250, 1],
      [1750, 0],
      [2250, 1],
      [3750, 0],
      [4250, 1],
    ]);
  });

  it('a request flashes a steady LED dark for 60 ms', () => {
    const e = engine(false);
    const a = pod('a');
    assert.deepEqual(
      changes(e, 0, 0, 1500, [
        [0, (t) => e.setPod(a, t)],
        [1000, (t) => e.applySignal(signal(a, 'request'), t)],
      ]),
      [
        [0, 0],
        [250, 1],
        [1000, 0],
        [1060, 1],
      ],
    );
  });

  it('requests faster than the eye are coalesced: at most one flash per 150 ms, none lost', () => {
    const e = engine(false);
    const a = pod('a');
    const req = (at: number): [number, (t: number) => void] => [at, (t) => e.applySignal(signal(a, 'request'), t)];
    assert.deepEqual(
      changes(e, 0, 900, 1600, [
        [0, (t) => e.setPod(a, t)],
        req(1000),
        req(1010),
        req(1020),
        req(1100),
        req(1149),
        req(1200),
      ]).slice(1),
      [
        [100, 0], // 1000: flash
        [160, 1],
        [250, 0], // 1150: one flash for the four requests during the first flash and its gap
        [310, 1],
        [400, 0], // 1300: the request at 1200 gets its own flash after the gap
        [460, 1],
      ],
    );
    e.applySignal(signal(a, 'request'), 2000);
    assert.equal(e.levels(2000)[0], 0, 'a request after a pause flashes at once');
  });

  it('a request flash on a dark phase of the slow blink lights the LED', () => {
    const e = engine(false);
    const a = pending(pod('a'));
    const out = changes(e, 0, 700, 1000, [
      [0, (t) => e.setPod(a, t)],
      [800, (t) => e.applySignal(signal(a, 'request'), t)],
    ]);
    assert.deepEqual(out, [
      [0, 1],
      [50, 0], // 750: blink off
      [100, 1], // 800: flash on
      [160, 0],
    ]);
  });

  it('restart: triple flash (starting dark) over the steady LED, then back to steady', () => {
    const e = engine(false);
    const a = pod('a');
    assert.deepEqual(
      changes(e, 0, 900, 2200, [
        [0, (t) => e.setPod(a, t)],
        [
          1000,
          (t) =>
            e.applyEvent(
              podEvent(a, 'restarted', { container: 'app', reason: 'Error', exitCode: 1, restartCount: 1 }),
              t,
            ),
        ],
      ]),
      [
        [0, 1],
        [100, 0],
        [250, 1],
        [400, 0],
        [550, 1],
        [700, 0],
        [850, 1],
        [1000, 0],
        [1150, 1],
      ],
    );
  });

  it('priority: request flashes during a triple flash are dropped, not replayed', () => {
    const e = engine(false);
    const a = pod('a');
    const withRequests = changes(e, 0, 900, 2300, [
      [0, (t) => e.setPod(a, t)],
      [
        1000,
        (t) =>
          e.applyEvent(
            podEvent(a, 'restarted', { container: 'app', reason: 'Error', exitCode: 1, restartCount: 1 }),
            t,
          ),
      ],
      [1200, (t) => e.applySignal(signal(a, 'request'), t)],
      [1290, (t) => e.applySignal(signal(a, 'request'), t)],
    ]);
    const e2 = engine(false);
    const b = pod('a');
    const without = changes(e2, 0, 900, 2300, [
      [0, (t) => e2.setPod(b, t)],
      [
        1000,
        (t) =>
          e2.applyEvent(
            podEvent(b, 'restarted', { container: 'app', reason: 'Error', exitCode: 1, restartCount: 1 }),
            t,
          ),
      ],
    ]);
    assert.deepEqual(withRequests, without);
  });

  it('a duplicate event (same id) is applied once', () => {
    const e = engine(false);
    const a = pod('a');
    const ev = podEvent(a, 'restarted', { container: 'app', reason: 'Error', exitCode: 1, restartCount: 1 });
    e.setPod(a, 0);
    e.levels(300);
    e.applyEvent(ev, 1000);
    e.applyEvent(ev, 1500); // redelivery: must not restart the triple flash
    assert.equal(e.levels(2049)[0], 0);
    assert.equal(e.levels(2050)[0], 1, 'the flash that began at 1000 ended at 2050');
  });

  it('CrashLoopBackOff: bursts of five 60 ms flashes every 2 s; requests do not show', () => {
    const e = engine(true);
    const a = waiting(pod('a'), 'CrashLoopBackOff');
    const out = changes(e, 0, 0, 2300, [
      [0, (t) => e.setPod(a, t)],
      [400, (t) => e.applySignal(signal(a, 'request'), t)],
      [900, (t) => e.applySignal(signal(a, 'request'), t)],
    ]);
    assert.deepEqual(out, [
      [0, 0],
      [250, 1],
      [310, 0],
      [370, 1],
      [430, 0],
      [490, 1],
      [550, 0],
      [610, 1],
      [670, 0],
      [730, 1],
      [790, 0],
      [2250, 1],
    ]);
  });

  it('image pull failure: double blink every 1.5 s', () => {
    const e = engine(false);
    assert.deepEqual(changes(e, 0, 0, 1900, [[0, (t) => e.setPod(waiting(pod('a'), 'ImagePullBackOff'), t)]]), [
      [0, 0],
      [250, 1],
      [400, 0],
      [550, 1],
      [700, 0],
      [1750, 1],
    ]);
  });

  it('Init:ErrImagePull and CreateContainerConfigError map to double blink and bursts', () => {
    const e = engine(false);
    const a = pod('a');
    e.setPod({ ...waiting(a, 'ErrImagePull'), status: 'Init:ErrImagePull' }, 0);
    e.setPod(waiting(pod('b'), 'CreateContainerConfigError'), 0);
    const snap = e.snapshot(300);
    assert.deepEqual([...snap.slots.map((s) => s.pod?.kind), ...snap.overflow.map((p) => p.kind)].sort(), [
      'crashLoop',
      'imagePull',
    ]);
  });

  it('terminating: a 2 s linear fade out on a PWM pin, then dark', () => {
    const e = engine(true);
    const a = pod('a');
    e.setPod(a, 0);
    e.levels(500);
    e.setPod(terminating(a), 1000);
    const at = (t: number) => e.levels(t)[0];
    assert.deepEqual([at(1000), at(1500), at(2000), at(2500), at(3000), at(5000)], [1, 0.75, 0.5, 0.25, 0, 0]);
  });

  it('terminating without PWM: three shrinking blinks, then dark', () => {
    const e = engine(false);
    const a = pod('a');
    assert.deepEqual(
      changes(e, 0, 900, 3000, [
        [0, (t) => e.setPod(a, t)],
        [1000, (t) => e.applyEvent(podEvent(a, 'terminating'), t)],
      ]),
      [
        [0, 1],
        [500, 0], // on 400 from 1000
        [700, 1],
        [900, 0],
        [1100, 1],
        [1180, 0],
        [1380, 1],
        [1420, 0],
      ],
    );
  });

  it('priority: terminating beats a restart and request flashes, and is final', () => {
    const e = engine(false);
    const a = pod('a');
    e.setPod(a, 0);
    e.levels(300);
    e.setPod(terminating(a), 1000);
    e.applyEvent(podEvent(a, 'restarted', { container: 'app', reason: 'Error', exitCode: 1, restartCount: 1 }), 1000);
    e.applySignal(signal(a, 'request'), 1010);
    e.setPod(a, 1020); // a late state without deletionTimestamp cannot bring it back
    assert.equal(e.levels(1100)[0], 1, 'fade (on/off fallback) is in its first 400 ms on-step');
    assert.equal(e.levels(1450)[0], 0);
    assert.equal(e.levels(9000)[0], 0);
    assert.equal(e.snapshot(9000).slots[0]?.pod?.kind, 'terminating');
  });

  it('the tombstone frees the slot at once', () => {
    const e = engine(false);
    const a = pod('a');
    e.setPod(a, 0);
    assert.equal(e.levels(300)[0], 1);
    e.removePod('demo', 'a', 400);
    assert.equal(e.levels(400)[0], 0);
    assert.equal(e.snapshot(400).slots[0]?.pod, null);
  });
});
