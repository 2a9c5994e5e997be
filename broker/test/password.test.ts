import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, PasswordHashError, parseHash, verifyPassword } from '../src/password.ts';

describe('password hashes (scrypt$N$r$p$salt$hash)', () => {
  it('hashes in the documented format and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse', { N: 1024, r: 8, p: 1 });
    assert.match(hash, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.equal(await verifyPassword('correct horse', hash), true);
    assert.equal(await verifyPassword('correct horsE', hash), false);
    assert.equal(await verifyPassword('', hash), false);
  });

  it('salts every hash', async () => {
    const a = await hashPassword('pw', { N: 1024, r: 8, p: 1 });
    const b = await hashPassword('pw', { N: 1024, r: 8, p: 1 });
    assert.notEqual(a, b);
  });

  it('uses the default cost (N=32768) and it verifies', async () => {
    const hash = await hashPassword('pw');
    assert.match(hash, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword('pw', hash), true);
  });

  it('rejects malformed or dangerous parameters', async () => {
    assert.throws(() => parseHash('bcrypt$1$1$1$a$b'), PasswordHashError);
    assert.throws(() => parseHash('scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA=='), /power of two/);
    assert.throws(() => parseHash(`scrypt$${2 ** 22}$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==`), /power of two/);
    assert.throws(() => parseHash('scrypt$1024$8$1$c2E=$aGFzaGhhc2hoYXNoaGFzaA=='), /too short/);
    assert.equal(await verifyPassword('pw', 'scrypt$1024$8$1$bad'), false);
  });
});
