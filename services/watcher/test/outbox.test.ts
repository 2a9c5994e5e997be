// The coalescing outbox: latest state per topic wins (tombstones included), events are bounded with
// the oldest dropped and counted, failed publishes go back without overtaking newer states.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterEvent } from '@kubeblink/schemas';
import { derivePod } from '../src/derive/pod-state.ts';
import { type EventItem, Outbox, type StateItem } from '../src/publish/outbox.ts';
import { pod } from './fixtures.ts';

const state = (rv: string): StateItem => ({
  kind: 'podState',
  node: 'n1',
  namespace: 'demo',
  pod: 'web-1',
  state: derivePod(pod({ rv })).state,
});
const tomb: StateItem = { kind: 'podState', node: 'n1', namespace: 'demo', pod: 'web-1', state: null };
const ev = (id: string): EventItem => ({ node: 'n1', event: { id } as unknown as ClusterEvent });

test('states coalesce per topic: the latest wins, in the order they last changed', () => {
  const o = new Outbox(10);
  o.putState('a', state('1'));
  o.putState('b', state('2'));
  o.putState('a', state('3'));
  assert.equal(o.stateCount, 2);
  const taken = o.takeStates();
  assert.deepEqual(
    taken.map(([k, v]) => [k, v.state?.resourceVersion]),
    [
      ['b', '2'],
      ['a', '3'],
    ],
  );
  assert.equal(o.empty, true);
});

test('a tombstone replaces a pending state, and a state replaces a pending tombstone', () => {
  const o = new Outbox(10);
  o.putState('a', state('1'));
  o.putState('a', tomb);
  assert.equal(o.takeStates()[0]?.[1].state, null);
  o.putState('a', tomb);
  o.putState('a', state('2'));
  assert.equal(o.takeStates()[0]?.[1].state?.resourceVersion, '2');
});

test('events are bounded: the oldest are dropped and counted', () => {
  const o = new Outbox(3);
  for (let i = 1; i <= 5; i++) o.putEvent(ev(`e${i}`));
  assert.equal(o.eventCount, 3);
  assert.equal(o.dropped, 2);
  assert.deepEqual(
    o.takeEvents(2).map((e) => e.event.id),
    ['e3', 'e4'],
  );
  assert.deepEqual(
    o.takeEvents().map((e) => e.event.id),
    ['e5'],
  );
});

test('memory stays bounded over many events (the head is compacted)', () => {
  const o = new Outbox(100);
  for (let i = 0; i < 50_000; i++) o.putEvent(ev(`e${i}`));
  assert.equal(o.eventCount, 100);
  assert.equal(o.dropped, 49_900);
  assert.ok((o as unknown as { events: unknown[] }).events.length < 3000);
});

test('requeued events go back in front within the bound; requeued states never overtake newer ones', () => {
  const o = new Outbox(3);
  o.putEvent(ev('a'));
  o.putEvent(ev('b'));
  const failed = o.takeEvents();
  o.putEvent(ev('c'));
  o.putEvent(ev('d'));
  o.requeueEvents(failed);
  assert.deepEqual(
    o.takeEvents().map((e) => e.event.id),
    ['b', 'c', 'd'],
  );
  assert.equal(o.dropped, 1);
  o.putState('x', state('5'));
  o.requeueState('x', state('4'));
  assert.equal(o.takeStates()[0]?.[1].state?.resourceVersion, '5');
  o.requeueState('x', state('4'));
  assert.equal(o.takeStates()[0]?.[1].state?.resourceVersion, '4');
});

test('a non-positive bound is refused', () => {
  assert.throws(() => new Outbox(0), /maxEvents/);
});
