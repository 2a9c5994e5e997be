// The one Lease, against an in-memory Lease endpoint that keeps resourceVersions as the apiserver does
// (a PUT with a stale one is 409), on mocked time: a standby waits and takes over only after a lease
// went unrenewed for its duration by its own clock; a refusing candidate rejects a live holder and
// takes over an expired lease at once; a holder notices a lease another wrote, and the renew deadline.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type { Logger } from '@kubeblink/core';
import { type LeaseApi, LeaseElector, LeaseHeld, type LeaseOptions } from '../src/lease.ts';

const PATH = '/apis/coordination.k8s.io/v1/namespaces/ns/leases';

interface Spec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  renewTime?: string;
  acquireTime?: string;
  leaseTransitions?: number;
}
interface Lease {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: Spec;
}

class FakeLeases implements LeaseApi {
  lease: Lease | undefined;
  private rv = 0;
  down = false;
  writes = 0;
  async send(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    if (this.down) throw new Error('connect ECONNREFUSED');
    const copy = () => structuredClone(this.lease);
    if (method === 'GET' && path === `${PATH}/l`)
      return this.lease ? { status: 200, body: copy() } : { status: 404, body: {} };
    const sent = structuredClone(body) as Lease;
    if (method === 'POST' && path === PATH) {
      if (this.lease) return { status: 409, body: {} };
      return { status: 201, body: this.store(sent) };
    }
    if (method === 'PUT' && path === `${PATH}/l`) {
      if (sent.metadata.resourceVersion !== this.lease?.metadata.resourceVersion) return { status: 409, body: {} };
      return { status: 200, body: this.store(sent) };
    }
    return { status: 400, body: {} };
  }
  /** Another writer (a live holder's renewal, an intruder). */
  write(spec: Spec): void {
    this.store({ metadata: { name: 'l', namespace: 'ns' }, spec: { ...this.lease?.spec, ...spec } });
  }
  private store(l: Lease): Lease {
    this.writes++;
    this.lease = { ...l, metadata: { ...l.metadata, resourceVersion: String(++this.rv) } };
    return structuredClone(this.lease);
  }
}

const silent: Logger = { child: () => silent, info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;

/** Lets the elector's requests (resolved promises) and the timers due run. */
async function advance(ms: number, step = 100): Promise<void> {
  // setImmediate is not mocked: every pending reaction (a request's answer, a timer set) runs first.
  await new Promise(setImmediate);
  for (let t = 0; t < ms; t += step) {
    mock.timers.tick(step);
    await new Promise(setImmediate);
  }
}

const micro = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

describe('LeaseElector', () => {
  let api: FakeLeases;
  let lost: string[];
  const elector = (identity: string, o: Partial<LeaseOptions> = {}) =>
    new LeaseElector({
      http: api,
      namespace: 'ns',
      name: 'l',
      identity,
      leaseSeconds: 15,
      renewSeconds: 2,
      log: silent,
      onLost: () => lost.push(identity),
      ...o,
    });

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    api = new FakeLeases();
    lost = [];
  });
  afterEach(() => mock.timers.reset());

  it('creates a missing lease, renews it, and releases it on stop', async () => {
    const a = elector('a');
    await a.start();
    assert.equal(a.isLeader, true);
    assert.deepEqual(api.lease?.spec, {
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: micro(1_000_000),
      renewTime: micro(1_000_000),
      leaseTransitions: 0,
    });
    await advance(2000);
    assert.equal(api.lease?.spec?.renewTime, micro(1_002_000));
    assert.equal(api.lease?.spec?.acquireTime, micro(1_000_000), 'the holder keeps its acquireTime');
    await a.stop();
    assert.equal(a.isLeader, false);
    assert.equal(api.lease?.spec?.holderIdentity, null);
    assert.equal(api.lease?.spec?.leaseDurationSeconds, 1);
    assert.deepEqual(lost, []);
  });

  it('a standby waits while the holder renews, and takes over at once when it is released', async () => {
    const a = elector('a');
    await a.start();
    const b = elector('b');
    let bLeads = false;
    const bStarted = b.start().then(() => (bLeads = true));
    await advance(30_000);
    assert.equal(bLeads, false, 'a renewing holder keeps its lease past its duration');
    assert.equal(api.lease?.spec?.holderIdentity, 'a');
    await a.stop();
    await advance(2000);
    await bStarted;
    assert.equal(api.lease?.spec?.holderIdentity, 'b');
    assert.equal(api.lease?.spec?.leaseTransitions, 1);
    await b.stop();
  });

  it('a standby takes a silent lease over only after its duration on its own clock, whatever its renewTime says', async () => {
    // A renewTime an hour old (the holder's clock is off, or it died long ago): not trusted.
    api.write({ holderIdentity: 'dead', leaseDurationSeconds: 15, renewTime: micro(1_000_000 - 3_600_000) });
    const b = elector('b');
    let bLeads = false;
    const bStarted = b.start().then(() => (bLeads = true));
    await advance(14_000);
    assert.equal(bLeads, false);
    await advance(2000);
    await bStarted;
    assert.equal(api.lease?.spec?.holderIdentity, 'b');
    await b.stop();
  });

  it('a holder whose lease another wrote stops at the next renewal and never releases it', async () => {
    const a = elector('a');
    await a.start();
    api.write({ holderIdentity: 'intruder', renewTime: micro(Date.now()) });
    await advance(2000);
    assert.deepEqual(lost, ['a']);
    assert.equal(a.isLeader, false);
    await a.stop();
    assert.equal(api.lease?.spec?.holderIdentity, 'intruder');
  });

  it('a holder that cannot renew gives up after the renew deadline (two thirds of the lease)', async () => {
    const a = elector('a');
    await a.start();
    api.down = true;
    await advance(10_000);
    assert.deepEqual(lost, [], 'still within the renew deadline');
    await advance(2000);
    assert.deepEqual(lost, ['a']);
  });

  it('with no renew deadline, only a lease written by another is lost', async () => {
    const a = elector('a', { renewDeadlineSeconds: Number.POSITIVE_INFINITY });
    await a.start();
    api.down = true;
    await advance(60_000);
    assert.deepEqual(lost, []);
    api.down = false;
    await advance(2000);
    assert.equal(api.lease?.spec?.renewTime, micro(Date.now()), 'renewing again once the API answers');
    api.write({ holderIdentity: 'other', renewTime: micro(Date.now()) });
    await advance(2000);
    assert.deepEqual(lost, ['a']);
  });

  describe("whenHeld: 'refuse'", () => {
    const refusing = (identity: string) => elector(identity, { whenHeld: 'refuse', retrySeconds: 1, renewSeconds: 5 });

    it('rejects with LeaseHeld once it sees the holder renew', async () => {
      api.write({ holderIdentity: 'live', leaseDurationSeconds: 15, renewTime: micro(Date.now()) });
      let settled = false;
      const started = refusing('b')
        .start()
        .finally(() => (settled = true));
      started.catch(() => {}); // asserted below
      await advance(3000);
      assert.equal(settled, false, 'no renewal seen yet');
      api.write({ renewTime: micro(Date.now()) });
      await advance(1000);
      await assert.rejects(started, (err) => {
        assert.ok(err instanceof LeaseHeld);
        assert.equal(err.holder, 'live');
        assert.equal(err.message, 'live holds the Lease ns/l and renews it');
        return true;
      });
      assert.equal(api.lease?.spec?.holderIdentity, 'live');
    });

    it("takes over at once a lease whose renewTime plus its duration has passed (a crashed holder's)", async () => {
      api.write({ holderIdentity: 'crashed', leaseDurationSeconds: 15, renewTime: micro(Date.now() - 16_000) });
      const b = refusing('b');
      await b.start();
      assert.equal(api.lease?.spec?.holderIdentity, 'b');
      assert.equal(api.lease?.spec?.leaseTransitions, 1);
      await b.stop();
    });

    it('waits out a silent lease that has not yet run out, then takes it', async () => {
      api.write({ holderIdentity: 'crashed', leaseDurationSeconds: 15, renewTime: micro(Date.now() - 10_000) });
      let leads = false;
      const b = refusing('b');
      const started = b.start().then(() => (leads = true));
      await advance(4000);
      assert.equal(leads, false);
      await advance(2000);
      await started;
      assert.equal(api.lease?.spec?.holderIdentity, 'b');
      const writes = api.writes;
      await advance(5000);
      assert.equal(api.writes, writes + 1, 'renewed every renewSeconds');
      await b.stop();
    });

    it('rejects with the error when the API cannot be reached', async () => {
      api.down = true;
      await assert.rejects(refusing('b').start(), /ECONNREFUSED/);
    });
  });
});
