// Password checks on the broker's own threads (hash-workers.ts): the same answers as Node's pool,
// and no waiting behind a thread pool that LevelDB and the file system keep busy.
import assert from 'node:assert/strict';
import { scrypt } from 'node:crypto';
import { describe, it } from 'node:test';
import { HashWorkers } from '../src/hash-workers.ts';
import { hashPassword, verifyPassword } from '../src/password.ts';

describe('HashWorkers', () => {
  it('verifies like Node’s own scrypt, more checks than threads queued', async () => {
    const workers = new HashWorkers(2);
    try {
      const hash = await hashPassword('correct horse', { N: 1024, r: 8, p: 1 });
      const answers = await Promise.all(
        ['correct horse', 'wrong', 'correct horse', '', 'correct horse'].map((p) =>
          verifyPassword(p, hash, workers.derive),
        ),
      );
      assert.deepEqual(answers, [true, false, true, false, true]);
    } finally {
      await workers.stop();
    }
  });

  it('answers while every thread of Node’s pool is busy (the pool is never used)', async () => {
    const workers = new HashWorkers(1);
    try {
      const hash = await hashPassword('pw', { N: 1024, r: 8, p: 1 });
      const order: string[] = [];
      // More expensive pool jobs than the pool has threads (UV_THREADPOOL_SIZE, 4 by default).
      const size = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
      const busy = Array.from(
        { length: size },
        (_, i) =>
          new Promise<void>((resolve) =>
            scrypt(`load-${i}`, 'salt', 32, { N: 2 ** 16, r: 8, p: 1, maxmem: 2 ** 28 }, () => {
              order.push('pool');
              resolve();
            }),
          ),
      );
      const check = verifyPassword('pw', hash, workers.derive).then((ok) => order.push(`check ${ok}`));
      await Promise.all([...busy, check]);
      assert.equal(order[0], 'check true', order.join(', '));
    } finally {
      await workers.stop();
    }
  });

  it('rejects checks still waiting when stopped', async () => {
    const workers = new HashWorkers(1);
    const hash = await hashPassword('pw', { N: 1024, r: 8, p: 1 });
    const checks = [1, 2, 3].map(() => verifyPassword('pw', hash, workers.derive).catch((e: Error) => e.message));
    await workers.stop();
    const results = await Promise.all(checks);
    assert.ok(results.includes('password hashing stopped'), results.join(', '));
  });
});
