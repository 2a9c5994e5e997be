// The login gate's rules with fake time and checks that finish when the test says so.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginGate, type LoginLimits, sourceKey } from '../src/login-gate.ts';

const LIMITS: LoginLimits = {
  concurrency: 1,
  failureRate: 1,
  failureBurst: 2,
  pendingPerSource: 4,
  unauthenticatedPerSource: 2,
  unauthenticated: 3,
  maxWaitMs: 1000,
};

/** A gate whose checks record their start and finish only when `finish(name)` is called. */
function harness(limits: Partial<LoginLimits> = {}) {
  let now = 0;
  const gate = new LoginGate({ ...LIMITS, ...limits }, () => now);
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const check = (source: string, name: string, gone = () => false) =>
    gate.check(source, gone, () => {
      started.push(name);
      return new Promise<string>((resolve) => finishers.set(name, () => resolve(name)));
    });
  const finish = async (name: string) => {
    finishers.get(name)?.();
    await new Promise((r) => setImmediate(r));
  };
  return { gate, started, check, finish, advance: (ms: number) => (now += ms) };
}

describe('LoginGate', () => {
  it('takes checks round-robin from the waiting sources: a flood delays another source by one check', async () => {
    const h = harness();
    const results = ['a1', 'a2', 'a3', 'a4'].map((n) => h.check('flood', n));
    const legit = h.check('laptop', 'b1');
    assert.deepEqual(h.started, ['a1']);
    await h.finish('a1');
    // The flood's turn came before the laptop arrived: it runs one check, then the laptop's turn.
    assert.deepEqual(h.started, ['a1', 'a2']);
    await h.finish('a2');
    assert.deepEqual(h.started, ['a1', 'a2', 'b1'], 'the other source goes next, not the flood');
    await h.finish('b1');
    assert.equal(await legit, 'b1');
    await h.finish('a3');
    await h.finish('a4');
    assert.deepEqual(await Promise.all(results), ['a1', 'a2', 'a3', 'a4']);
    assert.deepEqual(h.started, ['a1', 'a2', 'b1', 'a3', 'a4']);
    assert.equal(h.gate.pending, 0);
  });

  it('refuses a source more checks than pendingPerSource, and other sources still queue', async () => {
    const h = harness();
    for (const n of ['a1', 'a2', 'a3', 'a4']) void h.check('flood', n);
    assert.equal(await h.check('flood', 'a5'), 'login_busy');
    void h.check('laptop', 'b1');
    assert.equal(h.gate.pending, 5);
  });

  it('drops a queued check whose client has gone, and one that waited past maxWaitMs; neither runs', async () => {
    const h = harness();
    void h.check('a', 'first');
    let gone = false;
    const leaver = h.check('b', 'leaver', () => gone);
    const late = h.check('c', 'late');
    gone = true;
    h.advance(1001);
    await h.finish('first');
    assert.equal(await leaver, 'login_gone');
    assert.equal(await late, 'login_busy');
    assert.deepEqual(h.started, ['first']);
  });

  it('refuses a source past its failed-login burst before running anything, until the bucket refills', async () => {
    const h = harness({ concurrency: 4 });
    h.gate.failed('x');
    h.gate.failed('x');
    assert.equal(await h.check('x', 'third'), 'login_rate_limited');
    const other = h.check('y', 'other');
    assert.deepEqual(h.started, ['other'], 'another source is unaffected');
    await h.finish('other');
    assert.equal(await other, 'other');
    h.advance(1000); // one failure's worth at 1/s
    const retry = h.check('x', 'retry');
    await h.finish('retry');
    assert.equal(await retry, 'retry');
    assert.deepEqual(h.started, ['other', 'retry']);
  });

  it('bounds unauthenticated connections per source and in all; a release frees the slot once', () => {
    const { gate } = harness();
    const a1 = gate.opened('a');
    const a2 = gate.opened('a');
    assert.ok(a1 && a2);
    assert.equal(gate.opened('a'), undefined, 'per source');
    const b1 = gate.opened('b');
    assert.ok(b1);
    assert.equal(gate.opened('c'), undefined, 'in all');
    a1();
    a1();
    assert.equal(gate.unauthenticated, 2);
    assert.ok(gate.opened('c'));
    assert.equal(gate.opened('a') !== undefined, false, 'all slots in use again');
  });
});

describe('sourceKey', () => {
  it('keys IPv4 by address, IPv4-mapped IPv6 as IPv4, IPv6 by its /64', () => {
    assert.equal(sourceKey('192.168.1.20'), '192.168.1.20');
    assert.equal(sourceKey('::ffff:192.168.1.20'), '192.168.1.20');
    assert.equal(sourceKey('2001:db8:1:2:a:b:c:d'), '2001:db8:1:2::/64');
    assert.equal(sourceKey('2001:db8:1:2::d'), '2001:db8:1:2::/64');
    assert.equal(sourceKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(sourceKey('::1'), '0:0:0:0::/64');
    assert.equal(sourceKey(undefined), 'unknown');
  });
});
