import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goDuration, KubeletBackoff } from '../src/kubelet-backoff.ts';

describe('KubeletBackoff (flowcontrol.Backoff as the kubelet uses it)', () => {
  it('lets the first crash restart at once, then backs off 10s, 20s, 40s ... up to 300s', () => {
    let now = 0;
    const b = new KubeletBackoff(10_000, 300_000, () => now);
    const crash = (at: number) => {
      now = at;
      const waiting = b.inBackOffSince('pod/app', at);
      if (!waiting) b.next('pod/app', at);
      return waiting;
    };
    assert.equal(crash(1_000), false); // first exit: restarted immediately
    assert.equal(b.get('pod/app'), 10_000);
    assert.equal(crash(2_000), true); // exits again within 10 s: CrashLoopBackOff
    now = 12_000; // 10 s after that exit: the back-off is over
    assert.equal(b.inBackOffSince('pod/app', 2_000), false);
    b.next('pod/app', 2_000);
    assert.equal(b.get('pod/app'), 20_000);
    const delays = [];
    for (let i = 0; i < 6; i++) {
      b.next('pod/app', now);
      delays.push(b.get('pod/app'));
    }
    assert.deepEqual(delays, [40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('tells how long is left, and forgets a key after 2 x max without failures', () => {
    let now = 0;
    const b = new KubeletBackoff(2_000, 20_000, () => now);
    b.next('k', 0);
    now = 500;
    assert.equal(b.remaining('k', 0), 1_500);
    assert.equal(b.remainingSinceUpdate('k'), 1_500);
    assert.equal(b.inBackOffSinceUpdate('k'), true);
    now = 2_000;
    assert.equal(b.inBackOffSinceUpdate('k'), false);
    b.next('k', now);
    assert.equal(b.get('k'), 4_000);
    now = 2_000 + 40_001; // quiet for longer than 2 x max: a new crash starts over at base
    b.next('k', now);
    assert.equal(b.get('k'), 2_000);
  });

  it('refuses a zero base (a busy restart loop)', () => {
    assert.throws(() => new KubeletBackoff(0, 10), RangeError);
  });

  it('prints durations as Go does in kubelet messages', () => {
    assert.equal(goDuration(10_000), '10s');
    assert.equal(goDuration(300_000), '5m0s');
    assert.equal(goDuration(80_000), '1m20s');
  });
});
