import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from '../src/rate-limit.ts';

describe('TokenBucket', () => {
  it('allows a burst, then makes callers wait in order at the sustained rate', () => {
    const b = new TokenBucket(10, 3, 0); // 10/s, burst 3
    assert.deepEqual([b.take(0), b.take(0), b.take(0)], [0, 0, 0]);
    assert.equal(b.take(0), 100); // 4th: one token's worth of time (1/10 s)
    assert.equal(b.take(0), 200); // debts queue up
  });

  it('refills with time, never above the burst', () => {
    const b = new TokenBucket(10, 2, 0);
    b.take(0);
    b.take(0);
    assert.equal(b.take(100), 0); // 100 ms refills one
    assert.deepEqual([b.take(10_000), b.take(10_000), b.take(10_000)], [0, 0, 100]); // capped at 2
  });

  it('refunds a refused take', () => {
    const b = new TokenBucket(1, 1, 0);
    b.take(0);
    assert.equal(b.take(0), 1000);
    b.refund();
    assert.equal(b.take(0), 1000);
  });
});
