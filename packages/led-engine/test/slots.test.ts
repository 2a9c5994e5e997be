// Slot assignment, filters and the schedule contract of nextChange().
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LedEngine } from '../src/engine.ts';
import { BUILTIN_LAYOUTS } from '../src/layout.ts';
import { notReady, oneLedSlots, pending, pod, podEvent, signal, waiting } from './fixtures.ts';

function engine(slots: number, filter?: ConstructorParameters<typeof LedEngine>[0]['filter']) {
  const e = new LedEngine({ layout: oneLedSlots(slots), node: 'pi1', ...(filter ? { filter } : {}) });
  e.setConnected(true, 0);
  e.setClusterStatus('ready', 0);
  return e;
}
const slotNames = (e: LedEngine, t: number) => e.snapshot(t).slots.map((s) => s.pod?.name ?? null);
const at = (s: number) => `2026-11-29T06:00:${String(s).padStart(2, '0')}Z`;

describe('slot assignment', () => {
  it('pods seen together are placed oldest first, whatever order they arrive in', () => {
    const e = engine(3);
    e.setPod(pod('c', { createdAt: at(3) }), 0);
    e.setPod(pod('a', { createdAt: at(1) }), 10);
    e.setPod(pod('b', { createdAt: at(2) }), 20);
    assert.deepEqual(slotNames(e, 249), [null, null, null], 'nobody before assignDelayMs');
    assert.deepEqual(slotNames(e, 270), ['a', 'b', 'c']);
  });

  it('a StatefulSet pod takes the slot of its ordinal', () => {
    const e = engine(3);
    const sts = (name: string, ordinal: number) =>
      pod(name, { createdAt: at(ordinal + 5), owner: { kind: 'StatefulSet', name: 'db' }, ordinal });
    e.setPod(sts('db-2', 2), 0);
    e.setPod(pod('web', { createdAt: at(0) }), 0);
    e.setPod(sts('db-0', 0), 0);
    assert.deepEqual(slotNames(e, 300), ['db-0', 'web', 'db-2']);
  });

  it('slots are stable while a pod lives; a freed slot goes to the oldest waiting pod', () => {
    const e = engine(2);
    e.setPod(pod('a', { createdAt: at(1) }), 0);
    e.setPod(pod('b', { createdAt: at(2) }), 0);
    assert.deepEqual(slotNames(e, 300), ['a', 'b']);
    e.setPod(pod('new', { createdAt: at(9) }), 400);
    e.setPod(pod('old', { createdAt: at(3) }), 500);
    const snap = e.snapshot(800);
    assert.deepEqual(
      snap.overflow.map((p) => p.name),
      ['old', 'new'],
      'overflow: oldest first',
    );
    e.removePod('demo', 'a', 900);
    assert.deepEqual(slotNames(e, 900), ['old', 'b'], 'a younger pod never moves an older one');
    assert.deepEqual(
      e.snapshot(900).overflow.map((p) => p.name),
      ['new'],
    );
  });

  it('a pod recreated under the same name (new uid) is a new pod', () => {
    const e = engine(2);
    const first = pod('db-0', { ordinal: 0 });
    e.setPod(first, 0);
    assert.equal(e.snapshot(300).slots[0]?.pod?.uid, first.uid);
    const second = pending(pod('db-0', { ordinal: 0 }));
    e.setPod(second, 1000);
    assert.equal(e.snapshot(1000).slots[0]?.pod, null, 'the old pod left');
    assert.equal(e.snapshot(1250).slots[0]?.pod?.uid, second.uid);
    e.applyEvent(
      podEvent(first, 'restarted', { container: 'app', reason: 'Error', exitCode: 1, restartCount: 1 }),
      1300,
    );
    assert.equal(e.snapshot(1300).leds[0]?.pattern, 'slowBlink', "the old uid's events do not touch the new pod");
  });

  it('finished pods (Succeeded, Failed) give their slot back', () => {
    const e = engine(1);
    const job = pod('job', { owner: { kind: 'Job', name: 'j' } });
    e.setPod(job, 0);
    assert.deepEqual(slotNames(e, 300), ['job']);
    e.setPod({ ...job, phase: 'Succeeded', status: 'Completed', podReady: false }, 400);
    assert.deepEqual(slotNames(e, 400), [null]);
  });

  it('the deleted event frees the slot like the tombstone', () => {
    const e = engine(1);
    const a = pod('a');
    e.setPod(a, 0);
    e.levels(300);
    e.applyEvent(podEvent(a, 'deleted'), 400);
    assert.deepEqual(slotNames(e, 400), [null]);
  });
});

describe('filters', () => {
  it('leave out kube-system and kubeblink by default', () => {
    const e = engine(3);
    e.setPod(pod('coredns', { namespace: 'kube-system' }), 0);
    e.setPod(pod('led', { namespace: 'kubeblink' }), 0);
    e.setPod(pod('web'), 0);
    assert.deepEqual(slotNames(e, 300), ['web', null, null]);
  });

  it('namespaces and a label selector narrow the pods shown', () => {
    const e = engine(3, { namespaces: ['demo', 'shop'], selector: 'app in (web,api),tier!=db' });
    e.setPod(pod('web', { labels: { app: 'web' } }), 0);
    e.setPod(pod('api-db', { labels: { app: 'api', tier: 'db' } }), 0);
    e.setPod(pod('other', { namespace: 'other', labels: { app: 'web' } }), 0);
    e.setPod(pod('cart', { namespace: 'shop', labels: { app: 'api' }, createdAt: at(5) }), 0);
    assert.deepEqual(slotNames(e, 300), ['web', 'cart', null]);
  });

  it('a pod whose labels stop matching leaves its slot', () => {
    const e = engine(1, { selector: 'app=web' });
    const a = pod('a');
    e.setPod(a, 0);
    assert.deepEqual(slotNames(e, 300), ['a']);
    e.setPod({ ...a, labels: { app: 'other' } }, 400);
    assert.deepEqual(slotNames(e, 400), [null]);
  });

  it('signals for unknown pods change nothing', () => {
    const e = engine(1);
    e.setPod(pod('a'), 0);
    const before = e.levels(300);
    e.applySignal(signal(pod('ghost'), 'request'), 400);
    assert.deepEqual(e.levels(400), before);
  });
});

describe('nextChange', () => {
  /**
   * Walks time from edge to edge as a driver would and checks, at 1 ms resolution, that no level
   * changes between two reported times (no missed edge), across every pattern and transient.
   */
  it('never misses an edge: levels are constant until the reported next change', () => {
    const e = new LedEngine({ layout: BUILTIN_LAYOUTS.compact, node: 'pi1', canPwm: () => false });
    e.setConnected(true, 0);
    e.setClusterStatus('ready', 0);
    const a = pod('a', { createdAt: at(1) });
    const pods = [
      a,
      pending(pod('b', { createdAt: at(2) })),
      notReady(pod('c', { createdAt: at(3) })),
      waiting(pod('d', { createdAt: at(4) }), 'CrashLoopBackOff'),
      waiting(pod('e', { createdAt: at(5) }), 'ErrImagePull'),
      pod('f', { createdAt: at(6) }),
    ];
    for (const p of pods) e.setPod(p, 0);
    const inputs: [number, () => void][] = [
      [1000, () => e.applySignal(signal(a, 'request'), 1000)],
      [1003, () => e.applySignal(signal(a, 'request'), 1003)],
      [
        1500,
        () =>
          e.applyEvent(
            podEvent(a, 'restarted', { container: 'app', reason: 'Error', exitCode: 1, restartCount: 1 }),
            1500,
          ),
      ],
      [2000, () => e.setConnected(false, 2000)],
      [3000, () => e.setConnected(true, 3000)],
      [3500, () => e.applyEvent(podEvent(pods[5] as (typeof pods)[0], 'terminating'), 3500)],
    ];
    let t = 0;
    let checked = 0;
    while (t < 8000) {
      let next = Math.min(e.nextChange(t, 20), 8000);
      const input = inputs.find(([when]) => when > t && when <= next);
      if (input) next = input[0];
      const base = e.levels(t).join();
      for (let u = t + 1; u < next; u++) {
        assert.equal(
          e.levels(u).join(),
          base,
          `level changed at ${u} before the reported change at ${next} (from ${t})`,
        );
        checked++;
      }
      if (input) {
        input[1]();
        inputs.splice(inputs.indexOf(input), 1);
      }
      t = next;
    }
    assert.ok(checked > 5000, `sampled ${checked} ms between edges`);
  });

  it('is Infinity for a still picture, and the assignment time while a pod waits', () => {
    const e = engine(1);
    assert.equal(e.nextChange(0), Number.POSITIVE_INFINITY);
    e.setPod(pod('a'), 100);
    assert.equal(e.nextChange(100), 350);
    e.levels(350);
    assert.equal(e.nextChange(400), Number.POSITIVE_INFINITY);
  });
});
