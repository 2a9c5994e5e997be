// Issue 15 case 2 as a student would do it: `mosquitto_sub -q 1 -t 'kubeblink/#' | sleep`, an
// anonymous reader whose output pipe (then socket) stops being read. A healthy QoS 1 subscriber
// still receives every one of the watcher's events, in order, and the frozen one is cut off and
// counted once. No drain timeout: before issue 15 the broker waited for the frozen one forever.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { connect } from 'mqtt';
import { startTestBroker } from '../src/testing.ts';
import { client, example, subscribe } from './helpers.ts';

// mosquitto_sub is the frozen subscriber here: without it this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

const EVENTS = 'kubeblink/default/nodes/pi3-worker-1/events';
const TOTAL = 1500;
// 8 KiB per event: 12 MB in all, far more than the pipe and loopback socket buffers hold.
const pad = 'x'.repeat(8 * 1024);

describe('slow subscribers', () => {
  it('a frozen mosquitto_sub delays no one and is cut off at its queue bound', { skip: needMosquitto }, async () => {
    const b = await startTestBroker({
      users: [
        { username: 'watcher', password: 'watcher-pw', role: 'watcher' },
        { username: 'led', password: 'led-pw', role: 'reader' },
      ],
      settings: { allowAnonymousRead: true, drainTimeout: 0, publishRate: 0 },
    });
    const frozen = spawn(
      'sh',
      ['-c', `mosquitto_sub -p ${b.port} -h 127.0.0.1 -i frozen -q 1 -t 'kubeblink/#' | sleep 600`],
      {
        stdio: 'ignore',
        detached: true,
      },
    );
    try {
      await until(() => b.broker.hasClient('frozen'), 'the frozen subscriber to connect');
      const healthy = await client(b.url, { username: 'led', password: 'led-pw', clientId: 'led-1' });
      await subscribe(healthy, 'kubeblink/default/nodes/+/events', 1);
      const watcher = connect(b.url, {
        username: 'watcher',
        password: 'watcher-pw',
        clientId: 'watcher-1',
        reconnectPeriod: 0,
      });
      await new Promise((r) => watcher.once('connect', r));
      for (let i = 0; i < TOTAL; i++) {
        watcher.publish(EVENTS, JSON.stringify({ ...example('clusterEvent.pod-ready'), seq: i, pad }), { qos: 1 });
      }
      await until(() => healthy.received.length === TOTAL, `all ${TOTAL} events at the healthy subscriber`, 60_000);
      assert.deepEqual(
        healthy.received.map((m) => JSON.parse(m.payload).seq),
        Array.from({ length: TOTAL }, (_, i) => i),
      );
      await until(() => !b.broker.hasClient('frozen'), 'the frozen subscriber to be cut off');
      const cut = await b.metric('kubeblink_broker_slow_subscribers_total', { reason: 'queue_bytes' });
      const byCount = await b.metric('kubeblink_broker_slow_subscribers_total', { reason: 'queue_messages' });
      assert.equal(cut + byCount, 1);
      assert.equal(healthy.closed(), false);
      await new Promise((r) => watcher.end(false, {}, r));
      await healthy.end();
    } finally {
      if (frozen.pid) process.kill(-frozen.pid, 'SIGKILL');
      await b.stop();
    }
  });
});
