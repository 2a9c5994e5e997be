// The users file is live: new users can log in after a reload, removed or changed users are
// disconnected, and a broken file keeps the previous users in force.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { until } from '@kubeblink/test/support/wait';
import { startTestBroker } from '../src/testing.ts';
import { client } from './helpers.ts';

describe('users file reload', () => {
  it('adds, removes and keeps users as the file changes', async () => {
    const b = await startTestBroker({ users: [{ username: 'alice', password: 'a-pw', role: 'reader' }] });
    try {
      const alice = await client(b.url, { username: 'alice', password: 'a-pw' });
      await assert.rejects(
        client(b.url, { username: 'bob', password: 'b-pw' }),
        (e: { code?: number }) => e.code === 4,
      );

      await b.writeUsers([{ username: 'bob', password: 'b-pw', role: 'reader' }]);
      const bob = await client(b.url, { username: 'bob', password: 'b-pw' });
      await until(() => alice.closed(), 'alice, removed from the file, to be disconnected');
      await assert.rejects(
        client(b.url, { username: 'alice', password: 'a-pw' }),
        (e: { code?: number }) => e.code === 4,
      );

      writeFileSync(b.usersFile as string, 'users:\n  - username: bob\n    passwordHash: plain\n');
      await b.broker.users?.reload();
      assert.equal(await b.metric('kubeblink_broker_users_reloads_total', { result: 'error' }), 1);
      const bob2 = await client(b.url, { username: 'bob', password: 'b-pw', clientId: 'bob-2' });
      assert.equal(bob.closed(), false);
      await Promise.all([bob.end(), bob2.end()]);
    } finally {
      await b.stop();
    }
  });
});
