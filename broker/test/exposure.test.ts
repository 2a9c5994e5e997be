// --allow-anonymous only on loopback unless --allow-anonymous-on-network (issue 15 case 6).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anonymousExposure, isLoopback } from '../src/exposure.ts';

describe('anonymous exposure', () => {
  it('knows the loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) {
      assert.equal(isLoopback(h), true, h);
    }
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'broker.local', '128.0.0.1', '::ffff:10.0.0.1']) {
      assert.equal(isLoopback(h), false, h);
    }
  });

  it('refuses --allow-anonymous off loopback, unless told so', () => {
    const off = { allowAnonymous: false, allowAnonymousOnNetwork: false };
    assert.equal(anonymousExposure({ ...off, host: '0.0.0.0' }), undefined);
    assert.equal(anonymousExposure({ ...off, allowAnonymous: true, host: '127.0.0.1' }), undefined);
    assert.match(
      anonymousExposure({ ...off, allowAnonymous: true, host: '0.0.0.0' }) ?? '',
      /--allow-anonymous on --host 0\.0\.0\.0 .*--allow-anonymous-on-network/,
    );
    assert.equal(
      anonymousExposure({ allowAnonymous: true, allowAnonymousOnNetwork: true, host: '0.0.0.0' }),
      undefined,
    );
  });
});
