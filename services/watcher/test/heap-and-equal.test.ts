// The watcher's V8 heap bounds (flags given explicitly win) and the JSON equality of the diff.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jsonEqual } from '../src/diff/json-equal.ts';
import { boundHeapGrowth, WATCHER_V8_FLAGS } from '../src/heap.ts';

describe('boundHeapGrowth', () => {
  test('sets both flags unless given explicitly (either spelling)', () => {
    assert.deepEqual(boundHeapGrowth(['--max-old-space-size=160']), WATCHER_V8_FLAGS);
    assert.deepEqual(boundHeapGrowth(['--heap-growing-percent=30']), ['--semi-space-growth-factor=1']);
    assert.deepEqual(boundHeapGrowth(['--semi_space_growth_factor=2', '--heap-growing-percent=5']), []);
  });
});

describe('jsonEqual', () => {
  test('compares JSON-shaped values by content', () => {
    const a = { s: 'x', n: 1, b: true, z: null, l: [1, { k: 'v' }], o: { p: [] } };
    assert.ok(jsonEqual(a, structuredClone(a)));
    for (const b of [
      { ...a, s: 'y' },
      { ...a, n: '1' },
      { ...a, z: undefined },
      { ...a, l: [1, { k: 'w' }] },
      { ...a, l: [1] },
      { ...a, o: { p: {} } },
      { ...a, extra: 1 },
      { s: 'x', n: 1, b: true, z: null, l: [1, { k: 'v' }], q: { p: [] } },
    ]) {
      assert.equal(jsonEqual(a, b), false, JSON.stringify(b));
      assert.equal(jsonEqual(b, a), false, JSON.stringify(b));
    }
    assert.equal(jsonEqual([], {}), false);
    assert.equal(jsonEqual(null, {}), false);
  });
});
