// Issue 15: "a users-file reload takes effect within 2 s whatever the load". Under a flood of
// wrong-password CONNECTs whose checks really queue up (production scrypt cost, one check at a time,
// limits opened wide), the users file is rewritten on disk: the watcher notices and applies it — a
// removed user's live connection ends, its next login is refused — while the flood's checks are still
// queued. Asserted by order and counts (reloads, queued checks, hashes run), not by time.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { it } from 'node:test';
import { until } from '@kubeblink/test/support/wait';
import mqttPacket from 'mqtt-packet';
import { parse, stringify } from 'yaml';
import { startTestBroker } from '../src/testing.ts';
import { client } from './helpers.ts';

const FLOOD_FROM = '127.0.0.2';

it('a users-file reload takes effect while a login flood is still queued', async () => {
  const b = await startTestBroker({
    users: [
      { username: 'watcher', password: 'watcher-pw', role: 'watcher', cost: { N: 32768, r: 8, p: 1 } },
      { username: 'led', password: 'led-pw', role: 'reader' },
    ],
    settings: {
      loginConcurrency: 1,
      loginFailureBurst: 1000,
      loginPendingPerSource: 1000,
      maxUnauthenticatedPerSource: 1000,
      connectTimeout: 60_000,
    },
  });
  const sockets: Socket[] = [];
  try {
    const led = await client(b.url, { username: 'led', password: 'led-pw', clientId: 'led-1' });
    for (let i = 0; i < 200; i++) {
      const socket = netConnect({ host: '127.0.0.1', port: b.port, localAddress: FLOOD_FROM });
      socket.on('error', () => {});
      sockets.push(socket);
      socket.write(
        mqttPacket.generate({
          cmd: 'connect',
          protocolVersion: 4,
          clean: true,
          keepalive: 0,
          clientId: `flood-${i}`,
          username: 'watcher',
          password: Buffer.from(`wrong-${i}`),
        } as mqttPacket.IConnectPacket),
      );
    }
    await until(() => (b.broker.gate?.pending ?? 0) >= 150, 'the flood to queue its checks');
    const reloads = await b.metric('kubeblink_broker_users_reloads_total', { result: 'ok' });
    // The operator removes led from the file (on disk, as a Secret update would): the watcher finds it.
    const file = b.usersFile as string;
    const doc = parse(readFileSync(file, 'utf8')) as { users: { username: string }[] };
    writeFileSync(file, stringify({ ...doc, users: doc.users.filter((u) => u.username !== 'led') }));
    await until(
      async () => (await b.metric('kubeblink_broker_users_reloads_total', { result: 'ok' })) > reloads,
      'the reload',
    );
    await until(() => led.closed(), "led's connection to end");
    const pending = b.broker.gate?.pending ?? 0;
    const hashed = await b.metric('kubeblink_broker_password_checks_total', { result: 'wrong' });
    assert.ok(pending >= 100, `the flood's checks still queued at the reload (${pending})`);
    assert.ok(hashed < 50, `only ${hashed} flood hashes before the reload took effect`);
    assert.equal(b.broker.auth?.users.users.has('led'), false);
  } finally {
    for (const socket of sockets) socket.destroy();
    await b.stop();
  }
});
