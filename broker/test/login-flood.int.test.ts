// Issue 15 case 3 on real sockets: a flood of wrong-password CONNECTs from one address (127.0.0.2,
// raw mqtt-packet sockets) while a real client logs in from another (127.0.0.1, MQTT.js). Asserted
// by order and counts: the flood's hashing is bounded, the legitimate CONNACK arrives while the
// flood's checks are still queued, and checks of flood clients that left never run.
import assert from 'node:assert/strict';
import { connect as netConnect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { mosquittoPub } from '@kubeblink/test/support/mosquitto';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import mqttPacket from 'mqtt-packet';
import { startTestBroker, type TestBroker } from '../src/testing.ts';
import { client, example, subscribe } from './helpers.ts';

// mosquitto_pub is the independent MQTT peer here: without it this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const FLOOD_FROM = '127.0.0.2'; // Linux routes all of 127/8 to the loopback interface
const EVENTS = 'kubeblink/default/nodes/pi3-worker-1/events';
const USERS = [
  // The flooded user costs what a real one does (scrypt N=2^15): hashing is the work to bound.
  { username: 'watcher', password: 'watcher-pw', role: 'watcher' as const, cost: { N: 32768, r: 8, p: 1 } },
  { username: 'led', password: 'led-pw', role: 'reader' as const },
];

/** A CONNECT from FLOOD_FROM on a raw socket; resolves with the CONNACK code, or null if closed first. */
function rawLogin(b: TestBroker, login: { clientId: string; username: string; password: string }, sockets: Socket[]) {
  return new Promise<number | null>((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port: b.port, localAddress: FLOOD_FROM });
    sockets.push(socket);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (p) => p.cmd === 'connack' && resolve(p.returnCode ?? 0));
    socket.on('data', (d) => parser.parse(d));
    socket.on('error', () => {});
    socket.on('close', () => resolve(null));
    socket.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolVersion: 4,
        clean: true,
        keepalive: 0,
        ...login,
        password: Buffer.from(login.password),
      } as mqttPacket.IConnectPacket),
    );
  });
}

/** One wrong-password CONNECT for the real user `watcher`. */
const badLogin = (b: TestBroker, i: number, sockets: Socket[]) =>
  rawLogin(b, { clientId: `flood-${i}`, username: 'watcher', password: `wrong-${i}` }, sockets);

const denials = (b: TestBroker, reason: string) =>
  b.metric('kubeblink_broker_denials_total', { action: 'connect', reason });

describe('login floods', () => {
  it('bounds the hashing of a 400-CONNECT flood by its source limits; another address logs in and receives', {
    skip: needMosquitto,
  }, async () => {
    // No refill during the test (default 0.2/s): the bound below is then exact, whatever the timing.
    const b = await startTestBroker({ users: USERS, settings: { loginFailureRate: 0.0001 } });
    const sockets: Socket[] = [];
    try {
      // 16 waves of 25 CONNECTs, each wave answered before the next (as a retrying script would).
      const led = await client(b.url, { username: 'led', password: 'led-pw', clientId: 'led-1' });
      await subscribe(led, EVENTS, 1);
      const codes: (number | null)[] = [];
      for (let wave = 0; wave < 16; wave++) {
        const next = Array.from({ length: 25 }, (_, i) => badLogin(b, wave * 25 + i, sockets));
        codes.push(...(await Promise.all(next)));
      }
      // Answered 4 (wrong password) or 3 (rate limited, busy); none closed unanswered.
      assert.deepEqual(new Set(codes), new Set([3, 4]));
      const wrong = await b.metric('kubeblink_broker_password_checks_total', { result: 'wrong' });
      const s = b.settings;
      assert.ok(wrong <= s.loginFailureBurst + s.loginPendingPerSource, `only ${wrong} hashes for 400 CONNECTs`);
      const outcomes =
        wrong +
        (await denials(b, 'unauthenticated_limit')) +
        (await denials(b, 'login_rate_limited')) +
        (await denials(b, 'login_busy')) +
        (await denials(b, 'login_gone'));
      assert.equal(outcomes, 400, 'every flood connection is accounted for once');
      assert.ok((await denials(b, 'login_rate_limited')) > 0);
      // The real watcher, from the other address, still logs in and its event arrives.
      const event = JSON.stringify({ ...example('clusterEvent.pod-ready'), message: 'during the flood' });
      await mosquittoPub(b.port, EVENTS, event, { qos: 1, extra: ['-u', 'watcher', '-P', 'watcher-pw'] });
      await until(() => led.received.length === 1, 'the event at the reader');
      assert.equal(JSON.parse(led.received[0]?.payload ?? '{}').message, 'during the flood');
      await led.end();
    } finally {
      for (const socket of sockets) socket.destroy();
      await b.stop();
    }
  });

  it('answers a new login while the flood is still queued, and drops the checks of flood clients that left', async () => {
    // Limits opened wide so that 200 checks really queue up, one scrypt at a time.
    const b = await startTestBroker({
      users: USERS,
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
      const flood = Array.from({ length: 200 }, (_, i) => badLogin(b, i, sockets));
      await until(() => (b.broker.gate?.pending ?? 0) >= 150, 'the flood to queue its checks');
      const led = await client(b.url, { username: 'led', password: 'led-pw', clientId: 'led-1' });
      const pendingAtConnack = b.broker.gate?.pending ?? 0;
      const hashedAtConnack = await b.metric('kubeblink_broker_password_checks_total', { result: 'wrong' });
      assert.ok(pendingAtConnack >= 100, `the flood's checks still queued (${pendingAtConnack})`);
      assert.ok(hashedAtConnack < 50, `only ${hashedAtConnack} flood hashes before the CONNACK`);
      assert.equal(led.closed(), false);
      // The flooder gives up: its queued checks are dropped, never hashed.
      for (const socket of sockets) socket.destroy();
      await Promise.all(flood);
      await until(() => b.broker.gate?.pending === 0, 'the queue to empty');
      const hashed = await b.metric('kubeblink_broker_password_checks_total', { result: 'wrong' });
      const gone = await denials(b, 'login_gone');
      assert.ok(gone >= 100, `${gone} checks of gone clients dropped`);
      assert.equal(hashed + gone, 200);
      await led.end();
    } finally {
      for (const socket of sockets) socket.destroy();
      await b.stop();
    }
  });

  it('closes idle connections past maxUnauthenticatedPerSource at once; other addresses still connect', async () => {
    const b = await startTestBroker({ users: USERS, settings: { maxUnauthenticatedPerSource: 4 } });
    const sockets: Socket[] = [];
    try {
      let closed = 0;
      for (let i = 0; i < 10; i++) {
        const socket = netConnect({ host: '127.0.0.1', port: b.port, localAddress: FLOOD_FROM });
        socket.on('error', () => {});
        socket.on('close', () => closed++);
        sockets.push(socket);
      }
      await until(async () => (await denials(b, 'unauthenticated_limit')) === 6, 'six refused at accept');
      await until(() => closed === 6, 'the six closed');
      assert.equal(await b.metric('kubeblink_broker_unauthenticated_connections'), 4);
      const led = await client(b.url, { username: 'led', password: 'led-pw', clientId: 'led-1' });
      assert.equal(led.closed(), false);
      await led.end();
      // A slot is freed when its connection ends: the address may connect again.
      sockets[0]?.destroy();
      await until(async () => (await b.metric('kubeblink_broker_unauthenticated_connections')) === 3, 'a slot freed');
      assert.equal(await rawLogin(b, { clientId: 'led-2', username: 'led', password: 'led-pw' }, sockets), 0);
      assert.equal(await denials(b, 'unauthenticated_limit'), 6);
    } finally {
      for (const socket of sockets) socket.destroy();
      await b.stop();
    }
  });

  it('checks an unknown username against a decoy hash, as costly as a wrong password', async () => {
    const b = await startTestBroker({ users: USERS });
    try {
      const refused = (err: Error & { code?: number }) => err.code === 4;
      await assert.rejects(client(b.url, { username: 'nobody', password: 'guess', clientId: 'x-1' }), refused);
      await assert.rejects(client(b.url, { username: 'led', password: 'guess', clientId: 'x-2' }), refused);
      assert.equal(await b.metric('kubeblink_broker_password_checks_total', { result: 'unknown_user' }), 1);
      assert.equal(await b.metric('kubeblink_broker_password_checks_total', { result: 'wrong' }), 1);
      assert.equal(await denials(b, 'bad_credentials'), 2);
    } finally {
      await b.stop();
    }
  });
});
