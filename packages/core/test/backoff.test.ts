import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from '../src/bus/backoff.ts';

describe('backoff', () => {
  it('grows exponentially up to the cap, with full jitter, and resets', () => {
    const top = new Backoff({ minMs: 100, maxMs: 1000, random: () => 1 });
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map(() => top.next()),
      [100, 200, 400, 800, 1000, 1000],
    );
    top.reset();
    assert.equal(top.next(), 100);
    const low = new Backoff({ minMs: 100, maxMs: 1000, random: () => 0 });
    assert.deepEqual(
      [1, 2, 3].map(() => low.next()),
      [100, 100, 100],
      'never below the minimum',
    );
    const mid = new Backoff({ minMs: 100, maxMs: 1000, random: () => 0.5 });
    assert.deepEqual(
      [1, 2, 3, 4].map(() => mid.next()),
      [100, 100, 200, 400],
    );
  });
});
