// Shared by the broker's tests: MQTT.js clients that resolve once connected, and valid payloads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Aedes } from 'aedes';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

const examples = join(import.meta.dirname, '..', '..', 'schemas', 'examples', 'valid');
export const example = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(examples, `${name}.json`), 'utf8'));

/** A valid app signal of one pod, and its topic. */
export function signal(pod = 'web-7d9c5b6f4-x2x9k', namespace = 'demo', node = 'pi3-worker-1') {
  const s = example('appSignal.request') as { data: Record<string, unknown> } & Record<string, unknown>;
  const payload = { ...s, data: { ...s.data, pod, namespace, node } };
  return {
    topic: `kubeblink/default/nodes/${node}/pods/${namespace}/${pod}/signals`,
    payload: JSON.stringify(payload),
  };
}

export function serviceStatus(instance: string, state: 'online' | 'offline' = 'online', service = 'led') {
  return {
    topic: `kubeblink/default/services/${service}/${instance}/status`,
    payload: JSON.stringify({ ...example('serviceStatus.online'), state, service, instance }),
  };
}

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
  qos: number;
}

export interface TestClient {
  client: MqttClient;
  /** CONNACK's session present flag. */
  sessionPresent: boolean;
  received: Received[];
  closed: () => boolean;
  /** Ends with a DISCONNECT (the will is discarded); force: just closes the socket. */
  end: (force?: boolean) => Promise<void>;
}

/** Connects with MQTT.js (3.1.1, no reconnect); rejects with the CONNACK error when refused. */
export function client(url: string, opts: IClientOptions = {}): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const c = connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000, ...opts });
    const received: Received[] = [];
    let isClosed = false;
    c.on('message', (topic, payload, packet) =>
      received.push({ topic, payload: payload.toString(), retain: packet.retain, qos: packet.qos }),
    );
    c.on('close', () => {
      isClosed = true;
    });
    c.once('connect', (connack) =>
      resolve({
        client: c,
        sessionPresent: connack.sessionPresent,
        received,
        closed: () => isClosed,
        end: (force = false) => new Promise<void>((r) => c.end(force, {}, () => r())),
      }),
    );
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
    c.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

export async function subscribe(c: TestClient, filter: string | string[], qos: 0 | 1 | 2 = 0) {
  return c.client.subscribeAsync(filter, { qos });
}

/** Resolves when the broker has accepted a subscription to `filter` (set up before subscribing). */
export function subscribed(aedes: Aedes, filter: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (subs: { topic: string }[]) => {
      if (subs.some((s) => s.topic === filter)) {
        aedes.off('subscribe', on);
        resolve();
      }
    };
    aedes.on('subscribe', on);
  });
}
