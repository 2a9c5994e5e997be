import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  identityFromReview,
  looksLikeJwt,
  mappingFor,
  POD_NAME_EXTRA,
  POD_UID_EXTRA,
  principalForToken,
  type ReviewStatus,
  TokenReviewCache,
  tokenExpiry,
} from '../src/tokens.ts';

const bound = (ns: string, sa: string, pod: string): ReviewStatus => ({
  authenticated: true,
  audiences: ['kubeblink'],
  user: {
    username: `system:serviceaccount:${ns}:${sa}`,
    extra: { [POD_NAME_EXTRA]: [pod], [POD_UID_EXTRA]: ['uid-1'] },
  },
});

const jwt = (payload: object) =>
  `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

const MAPPINGS = [
  { namespace: 'kubeblink', name: 'watcher', role: 'watcher' as const, clusters: ['default'] },
  { namespace: 'demo', name: '*', role: 'app' as const },
];

describe('TokenReview results', () => {
  it('accepts a bound ServiceAccount token for the audience', () => {
    assert.deepEqual(identityFromReview(bound('demo', 'web', 'web-1'), 'kubeblink'), {
      ok: true,
      identity: { namespace: 'demo', serviceAccount: 'web', pod: { name: 'web-1', uid: 'uid-1' } },
    });
  });

  it('refuses unauthenticated tokens with the API server error', () => {
    const r = identityFromReview({ authenticated: false, error: 'token audiences ["api"] is invalid' }, 'kubeblink');
    assert.deepEqual(r, { ok: false, reason: 'token_invalid', detail: 'token audiences ["api"] is invalid' });
  });

  it('refuses a review whose audiences lack ours', () => {
    const r = identityFromReview({ ...bound('demo', 'web', 'web-1'), audiences: ['other'] }, 'kubeblink');
    assert.equal(r.ok === false && r.reason, 'token_invalid');
  });

  it('refuses tokens that are not bound to a pod (legacy Secret tokens, TokenRequest without a pod)', () => {
    const r = identityFromReview(
      { authenticated: true, user: { username: 'system:serviceaccount:demo:web', extra: {} } },
      'kubeblink',
    );
    assert.equal(r.ok === false && r.reason, 'token_unbound');
  });

  it('refuses users that are not ServiceAccounts', () => {
    const r = identityFromReview({ authenticated: true, user: { username: 'alice' } }, 'kubeblink');
    assert.equal(r.ok === false && r.reason, 'token_invalid');
  });
});

describe('ServiceAccount to role mapping', () => {
  it('maps the watcher ServiceAccount to role watcher, with its clusters and no pod', () => {
    const id = { namespace: 'kubeblink', serviceAccount: 'watcher', pod: { name: 'watcher-0', uid: 'u' } };
    const m = mappingFor(id, MAPPINGS);
    assert.ok(m);
    assert.deepEqual(principalForToken(id, m, 'watcher-0'), {
      role: 'watcher',
      clientId: 'watcher-0',
      clusters: ['default'],
      pod: undefined,
    });
  });

  it('gives role app exactly the pod named in the token', () => {
    const id = { namespace: 'demo', serviceAccount: 'default', pod: { name: 'web-2', uid: 'u' } };
    const m = mappingFor(id, MAPPINGS);
    assert.ok(m);
    assert.deepEqual(principalForToken(id, m, 'c').pod, { namespace: 'demo', name: 'web-2' });
  });

  it('first match wins and unmapped ServiceAccounts get nothing', () => {
    const id = { namespace: 'kubeblink', serviceAccount: 'led', pod: { name: 'led-x', uid: 'u' } };
    assert.equal(mappingFor(id, MAPPINGS), undefined);
    const both = [{ namespace: 'demo', name: 'web', role: 'reader' as const }, ...MAPPINGS];
    assert.equal(mappingFor({ ...id, namespace: 'demo', serviceAccount: 'web' }, both)?.role, 'reader');
  });
});

describe('token helpers', () => {
  it('recognises JWTs and reads their expiry without trusting them', () => {
    const t = jwt({ exp: 2_000_000_000 });
    assert.equal(looksLikeJwt(t), true);
    assert.equal(looksLikeJwt('hunter2'), false);
    assert.equal(tokenExpiry(t), 2_000_000_000);
    assert.equal(tokenExpiry('eyJ.bad.x'), undefined);
  });
});

describe('TokenReviewCache', () => {
  it('reviews once per token within the TTL, again after it', async () => {
    let now = 1_000_000;
    let calls = 0;
    const cache = new TokenReviewCache({
      reviewer: async () => {
        calls++;
        return bound('demo', 'web', 'web-1');
      },
      audience: 'kubeblink',
      ttlMs: 30_000,
      now: () => now,
    });
    const t = jwt({ exp: 2_000_000_000 });
    assert.equal((await cache.check(t)).cached, false);
    assert.equal((await cache.check(t)).cached, true);
    assert.equal(calls, 1);
    now += 30_001;
    assert.equal((await cache.check(t)).cached, false);
    assert.equal(calls, 2);
  });

  it('shares one review among concurrent checks of the same token', async () => {
    let calls = 0;
    let answer: (s: ReviewStatus) => void = () => {};
    const cache = new TokenReviewCache({
      reviewer: () => {
        calls++;
        return new Promise((r) => {
          answer = r;
        });
      },
      audience: 'kubeblink',
      ttlMs: 30_000,
    });
    const t = jwt({ exp: 2_000_000_000 });
    const checks = [cache.check(t), cache.check(t), cache.check(t)];
    answer(bound('demo', 'web', 'web-1'));
    const results = await Promise.all(checks);
    assert.equal(calls, 1);
    assert.deepEqual(
      results.map((r) => [r.ok, r.cached]),
      [
        [true, false],
        [true, true],
        [true, true],
      ],
    );
    // Another token is its own review.
    const other = cache.check(jwt({ exp: 2_000_000_001 }));
    answer(bound('demo', 'web', 'web-2'));
    await other;
    assert.equal(calls, 2);
  });

  it('never caches past the token expiry, and never caches API failures', async () => {
    const now = 1_000_000_000_000;
    let calls = 0;
    let fail = true;
    const cache = new TokenReviewCache({
      reviewer: async () => {
        calls++;
        if (fail) throw new Error('apiserver down');
        return bound('demo', 'web', 'web-1');
      },
      audience: 'kubeblink',
      ttlMs: 30_000,
      now: () => now,
    });
    const expired = jwt({ exp: now / 1000 - 1 });
    await assert.rejects(cache.check(expired), /apiserver down/);
    fail = false;
    await cache.check(expired);
    await cache.check(expired);
    assert.equal(calls, 3);
  });
});
