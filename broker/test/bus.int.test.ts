// The foundation's bus client (what every service uses) against the kubeblink broker: its wills
// pass the CONNECT-time check, its publishes pass the broker's ACL and validation, and nothing is
// refused, because both sides apply the same rules (core's acl.ts and the schemas).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BusClient, type BusMessage, createRegistry, filters, silentLogger } from '@kubeblink/core';
import type { PodState } from '@kubeblink/schemas';
import { retainedMessages } from '@kubeblink/test/support/mosquitto';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { startTestBroker, type TestBroker } from '../src/testing.ts';
import { example } from './helpers.ts';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

describe('the core bus client against the kubeblink broker', { skip: needMosquitto }, () => {
  let b: TestBroker;
  const clients: BusClient[] = [];
  const bus = (instance: string, role: 'watcher' | 'reader', username: string, password: string, watcher = false) => {
    const c = new BusClient({
      url: b.url,
      cluster: 'default',
      instance,
      identity: watcher ? { kind: 'watcher', version: '0.1.0' } : { kind: 'service', service: 'led', version: '0.1.0' },
      role,
      username,
      password,
      log: silentLogger(),
      registry: createRegistry(instance, false),
    });
    clients.push(c);
    return c;
  };

  before(async () => {
    b = await startTestBroker({
      users: [
        { username: 'watcher', password: 'watcher-pw', role: 'watcher', clusters: ['default'] },
        { username: 'led', password: 'led-pw', role: 'reader' },
      ],
    });
  });
  after(async () => {
    for (const c of clients) await c.stop();
    await b.stop();
  });

  it('carries states from the watcher to an LED service with no refusal', async () => {
    const led = bus('led-pi3-worker-1', 'reader', 'led', 'led-pw');
    const got: BusMessage[] = [];
    await led.start();
    await led.subscribe(filters.node('default', 'pi3-worker-1'), (m) => {
      got.push(m);
    });
    const watcher = bus('watcher-0', 'watcher', 'watcher', 'watcher-pw', true);
    await watcher.start();
    await until(() => watcher.connected && led.connected, 'both connected');
    const pod = example('podState.running') as unknown as PodState;
    const parts = {
      kind: 'podState',
      cluster: 'default',
      node: 'pi3-worker-1',
      namespace: 'demo',
      pod: pod.name,
    } as const;
    await watcher.publish(
      { kind: 'clusterStatus', cluster: 'default' },
      { state: 'ready', cluster: 'default', watcher: 'watcher-0' },
    );
    await watcher.publish(parts, pod);
    await until(() => got.some((m) => m.parts.kind === 'podState'), 'the pod state at the LED service');
    assert.deepEqual(got.find((m) => m.parts.kind === 'podState')?.payload, pod);
    const statuses = await retainedMessages(b.port, 'kubeblink/default/services/+/+/status', [
      '-u',
      'led',
      '-P',
      'led-pw',
    ]);
    assert.deepEqual(
      statuses.map((s) => [s.topic, JSON.parse(s.payload).state]),
      [['kubeblink/default/services/led/led-pi3-worker-1/status', 'online']],
    );
    const { values } = await b.registry.getSingleMetric('kubeblink_broker_denials_total')!.get();
    assert.deepEqual(values, []);
  });
});
