// The users file watcher on a real file system: Secret-style symlink swaps, polling, failures.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '@kubeblink/core';
import { until } from '@kubeblink/test/support/wait';
import { type UsersTable, UsersWatcher } from '../src/users.ts';

const HASH = 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==';
const user = (username: string, role = 'reader', extra = '') =>
  `  - username: ${username}\n    passwordHash: "${HASH}"\n    role: ${role}\n${extra}`;
const file = (...users: string[]) => `users:\n${users.join('')}`;

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('UsersWatcher', () => {
  function secretDir() {
    // The layout of a Secret volume: users.yaml -> ..data/users.yaml, ..data -> ..<timestamp>.
    const dir = mkdtempSync(join(tmpdir(), 'kubeblink-users-'));
    dirs.push(dir);
    let n = 0;
    const publish = (text: string) => {
      const version = `..v${++n}`;
      mkdirSync(join(dir, version));
      writeFileSync(join(dir, version, 'users.yaml'), text);
      symlinkSync(version, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data')); // atomic swap, as the kubelet does
    };
    return { dir, publish };
  }

  it('reloads when a Secret volume swaps its ..data symlink, and keeps the old users on a bad file', async () => {
    const { dir, publish } = secretDir();
    publish(file(user('one')));
    symlinkSync('..data/users.yaml', join(dir, 'users.yaml'));
    const loads: UsersTable[] = [];
    const errors: Error[] = [];
    const w = new UsersWatcher({
      path: join(dir, 'users.yaml'),
      pollIntervalMs: 60_000, // long: the directory watch must do it
      log: silentLogger(),
      onLoad: (t) => loads.push(t),
      onError: (e) => errors.push(e),
    });
    await w.start();
    try {
      assert.deepEqual([...(loads[0]?.users.keys() ?? [])], ['one']);
      publish(file(user('one'), user('two')));
      await until(() => loads.length === 2, 'a reload after the swap');
      assert.deepEqual([...(loads[1]?.users.keys() ?? [])], ['one', 'two']);
      publish('users: [ {username: broken');
      await until(() => errors.length === 1, 'the failed reload to be reported');
      assert.equal(loads.length, 2);
    } finally {
      await w.stop();
    }
  });

  it('notices changes by polling when notifications are lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeblink-users-'));
    dirs.push(dir);
    const path = join(dir, 'users.yaml');
    writeFileSync(path, file(user('one')));
    const loads: UsersTable[] = [];
    const w = new UsersWatcher({ path, pollIntervalMs: 100, log: silentLogger(), onLoad: (t) => loads.push(t) });
    await w.start();
    try {
      // Stop the directory watch: only the poll is left.
      (w as unknown as { watcher?: { close(): void } }).watcher?.close();
      writeFileSync(path, file(user('one'), user('three')));
      await until(() => loads.length === 2, 'a reload found by polling');
      assert.deepEqual([...(loads[1]?.users.keys() ?? [])], ['one', 'three']);
    } finally {
      await w.stop();
    }
  });

  it('fails to start on a missing or invalid file', async () => {
    const w = new UsersWatcher({
      path: '/nonexistent/users.yaml',
      pollIntervalMs: 1000,
      log: silentLogger(),
      onLoad: () => {},
    });
    await assert.rejects(w.start(), /ENOENT/);
  });
});
