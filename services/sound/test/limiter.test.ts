// The rate limit with fake time: a storm is a burst, then one summary per type as tokens come back.
import assert from 'node:assert/strict';
import { it, mock } from 'node:test';
import { Limiter } from '../src/limiter.ts';
import { type Cue, DEFAULT_SOUNDS } from '../src/mapping.ts';

const cue = (type: string, text: string): Cue => ({ type: `io.kubeblink.${type}`, text });

it('plays a burst, then coalesces per type into summaries, in the order the types first waited', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  try {
    const out: string[] = [];
    // 3 back to back, then one every 5 s.
    const limiter = new Limiter({ burst: 3, perMinute: 12, sounds: DEFAULT_SOUNDS, out: (c) => out.push(c.text!) });
    limiter.push(cue('node.notready', 'node n1 is not ready'));
    limiter.push(cue('pod.restarted', 'web-1 crashed on n1'));
    limiter.push(cue('pod.restarted', 'web-2 crashed on n1'));
    for (let i = 3; i <= 9; i++) limiter.push(cue('pod.restarted', `web-${i} crashed on n1`));
    limiter.push(cue('pod.crashloop', 'web-3 is in a crash loop'));
    assert.deepEqual(out, ['node n1 is not ready', 'web-1 crashed on n1', 'web-2 crashed on n1']);
    mock.timers.tick(4999);
    assert.equal(out.length, 3);
    mock.timers.tick(1);
    assert.equal(out[3], '7 pods crashed');
    // A new restart while the crash loop waits: it does not overtake, it waits behind it.
    limiter.push(cue('pod.restarted', 'web-10 crashed on n1'));
    mock.timers.tick(5000);
    assert.equal(out[4], 'web-3 is in a crash loop', 'a single waiting event is spoken as itself');
    mock.timers.tick(5000);
    assert.equal(out[5], 'web-10 crashed on n1');
    mock.timers.tick(60_000);
    assert.equal(out.length, 6, 'nothing left');
    assert.equal(limiter.coalesced, 6);
    // After a quiet minute the bucket is full again: a new burst plays at once.
    for (const n of ['a', 'b', 'c']) limiter.push(cue('pod.started', `${n} started`));
    assert.deepEqual(out.slice(6), ['a started', 'b started', 'c started']);
    limiter.stop();
  } finally {
    mock.timers.reset();
  }
});

it('memory stays bounded by the number of types, whatever the storm', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  try {
    const out: string[] = [];
    const limiter = new Limiter({ burst: 1, perMinute: 60, sounds: DEFAULT_SOUNDS, out: (c) => out.push(c.text!) });
    for (let i = 0; i < 100_000; i++) limiter.push(cue(i % 2 ? 'pod.restarted' : 'pod.deleted', `x${i}`));
    mock.timers.tick(1000);
    mock.timers.tick(1000);
    assert.deepEqual(out, ['x0', '50000 pods crashed', '49999 pods deleted']);
    limiter.stop();
  } finally {
    mock.timers.reset();
  }
});
