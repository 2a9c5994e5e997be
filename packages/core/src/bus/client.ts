// The one MQTT adapter every service uses (MQTT.js underneath). It owns the connection's single last
// will, announces and clears the caller's status, reconnects with backoff and jitter, checks every
// publish against the topic contract, the caller's role and the schemas, and validates every message
// it receives: an invalid one is dropped, logged once per topic and counted, never thrown at the caller.
import { readFileSync } from 'node:fs';
import { validateMessage } from '@kubeblink/schemas';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { canPublish, type Principal, type Role } from '../acl.ts';
import { counter, gauge } from '../metrics.ts';
import {
  buildTopic,
  type PartsOf,
  TOPIC_CONTRACT,
  type TopicKind,
  type TopicPayloads,
  topicMatches,
} from '../topics.ts';
import { Backoff } from './backoff.ts';
import { type BusMessage, decodeMessage } from './decode.ts';
import { InvalidMessageLog } from './invalid-log.ts';

export type { BusMessage };

/** Whose status this connection carries: the watcher's is the cluster status, every other service's its own. */
export type BusIdentity =
  | { kind: 'service'; service: string; version?: string; node?: string }
  | { kind: 'watcher'; version?: string };

export interface BusClientOptions {
  url: string;
  cluster: string;
  /** Also the MQTT client id and the instance segment of the service status topic. */
  instance: string;
  identity: BusIdentity;
  /** The rights the broker gives this client: publishes outside them are refused here first. */
  role: Role;
  pod?: { namespace: string; name: string };
  username?: string;
  password?: string;
  /** Read at every (re)connect: a rotated Secret or ServiceAccount token takes effect without a restart. */
  passwordFile?: string;
  /** Clean session (default true); false keeps QoS 1 subscriptions across reconnects. */
  clean?: boolean;
  log: Logger;
  registry: Registry;
  reconnect?: { minMs: number; maxMs: number };
  /** Extra MQTT.js options (tests: connectTimeout, keepalive). */
  mqtt?: Partial<IClientOptions>;
}

export type MessageHandler = (message: BusMessage) => void | Promise<void>;
export type ConnectHandler = (info: { sessionPresent: boolean }) => void | Promise<void>;

export class BusPublishError extends Error {
  override name = 'BusPublishError';
}

export class BusClient {
  readonly name = 'bus';
  private readonly opts: BusClientOptions;
  private readonly log: Logger;
  private client: MqttClient | undefined;
  private readonly handlers: { filter: string; handler: MessageHandler }[] = [];
  /** Every filter subscribed, with its QoS: sent again on each connect. */
  private readonly filters = new Map<string, 0 | 1>();
  private readonly connectHandlers: ConnectHandler[] = [];
  private readonly disconnectHandlers: (() => void)[] = [];
  private readonly backoff: Backoff;
  private readonly invalid: InvalidMessageLog;
  private readonly principal: Principal;
  private readonly metrics;
  private stopping = false;

  constructor(opts: BusClientOptions) {
    this.opts = opts;
    this.log = opts.log.child({ module: 'bus' });
    this.backoff = new Backoff(opts.reconnect ?? { minMs: 500, maxMs: 30_000 });
    this.principal = { role: opts.role, clientId: opts.instance, pod: opts.pod };
    this.invalid = new InvalidMessageLog(this.log);
    const r = opts.registry;
    this.metrics = {
      connected: gauge(r, 'kubeblink_bus_connected', '1 while connected to the MQTT broker'),
      connects: counter(r, 'kubeblink_bus_connects_total', 'Successful connections to the broker', ['session_present']),
      received: counter(r, 'kubeblink_bus_messages_received_total', 'Valid messages received', ['kind']),
      invalid: counter(r, 'kubeblink_bus_messages_invalid_total', 'Messages received and dropped as invalid', ['kind']),
      published: counter(r, 'kubeblink_bus_messages_published_total', 'Messages published', ['kind']),
      handlerErrors: counter(r, 'kubeblink_bus_handler_errors_total', 'Errors thrown by message handlers'),
    };
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** The status topic carrying this connection's last will. */
  get statusTopic(): string {
    const { identity, cluster, instance } = this.opts;
    return identity.kind === 'watcher'
      ? buildTopic({ kind: 'clusterStatus', cluster })
      : buildTopic({ kind: 'serviceStatus', cluster, service: identity.service, instance });
  }

  onConnect(handler: ConnectHandler): void {
    this.connectHandlers.push(handler);
  }

  onDisconnect(handler: () => void): void {
    this.disconnectHandlers.push(handler);
  }

  /** Starts connecting; resolves at once. Services run without a broker and catch up on connect. */
  async start(): Promise<void> {
    const { opts } = this;
    this.stopping = false;
    const will = this.statusPayload('offline');
    const client = connect(opts.url, {
      clientId: opts.instance,
      clean: opts.clean ?? true,
      username: opts.username,
      password: this.password(),
      protocolVersion: 4, // MQTT 3.1.1 (Aedes 1.x); keep 5-only features out until the broker speaks it.
      reconnectPeriod: opts.reconnect?.minMs ?? 500,
      connectTimeout: 10_000,
      // We subscribe again on every connect ourselves (see handleConnect): MQTT.js's resubscribe
      // only repeats subscriptions that once succeeded, so one made before the first connect was lost.
      resubscribe: false,
      // MQTT.js would otherwise pre-build a 2-byte buffer for each of the 65,536 packet ids, the first
      // time any client writes: 6.5 MB of heap in every process, to save a 2-byte allocation per packet.
      writeCache: false,
      will: { topic: this.statusTopic, payload: Buffer.from(JSON.stringify(will)), qos: 1, retain: true },
      ...opts.mqtt,
    });
    this.client = client;
    client.on('connect', (connack) => this.handleConnect(connack.sessionPresent === true));
    client.on('close', () => this.handleClose());
    client.on('reconnect', () => {
      // Re-read the password file: a projected ServiceAccount token rotates.
      client.options.password = this.password();
    });
    client.on('error', (err) => this.log.warn({ err: err.message }, 'mqtt error'));
    client.on('message', (topic, payload, packet) => this.dispatch(topic, payload, packet.retain === true));
  }

  private password(): string | undefined {
    if (this.opts.passwordFile) {
      try {
        return readFileSync(this.opts.passwordFile, 'utf8').trim();
      } catch (err) {
        this.log.error({ err: (err as Error).message, file: this.opts.passwordFile }, 'cannot read password file');
      }
    }
    return this.opts.password;
  }

  private statusPayload(state: 'online' | 'offline'): unknown {
    const { identity, cluster, instance } = this.opts;
    if (identity.kind === 'watcher') return { state: 'offline', cluster, watcher: instance };
    return {
      state,
      service: identity.service,
      instance,
      ...(identity.version ? { version: identity.version } : {}),
      ...(identity.node ? { node: identity.node } : {}),
      ...(state === 'online' ? { since: new Date().toISOString() } : {}),
    };
  }

  private handleConnect(sessionPresent: boolean): void {
    this.backoff.reset();
    this.metrics.connected.set(1);
    this.metrics.connects.inc({ session_present: String(sessionPresent) });
    this.log.info({ url: this.opts.url, sessionPresent }, 'connected to broker');
    const { identity, cluster, instance } = this.opts;
    if (identity.kind === 'service') {
      // Replaces the last will the broker may have published while we were away.
      void this.publish(
        { kind: 'serviceStatus', cluster, service: identity.service, instance },
        this.statusPayload('online') as TopicPayloads['serviceStatus'],
      ).catch((err) => this.log.warn({ err: err.message }, 'status publish failed'));
    }
    // Without a kept session the broker has forgotten our subscriptions (MQTT 3.1.1 section 3.1.2.4).
    // With one it kept them, and subscribing again would make it resend every retained message.
    if (!sessionPresent) this.resubscribe();
    for (const h of this.connectHandlers) this.guard(() => h({ sessionPresent }));
  }

  private handleClose(): void {
    const wasConnected = this.metrics.connected;
    wasConnected.set(0);
    if (this.stopping) return;
    for (const h of this.disconnectHandlers) this.guard(h);
    this.scheduleReconnect();
  }

  // MQTT.js retries at a fixed reconnectPeriod. To back off with jitter we re-arm its reconnect timer
  // with a new period after each failed attempt. _clearReconnect/_setupReconnect are MQTT.js 5
  // internals (pinned version, covered by the reconnect test); without them the fixed period stays.
  private scheduleReconnect(): void {
    const c = this.client as unknown as
      | { options: { reconnectPeriod: number }; _clearReconnect?: () => void; _setupReconnect?: () => void }
      | undefined;
    if (!c || typeof c._clearReconnect !== 'function' || typeof c._setupReconnect !== 'function') return;
    const delay = this.backoff.next();
    c.options.reconnectPeriod = delay;
    c._clearReconnect();
    c._setupReconnect();
    this.log.debug({ delayMs: delay }, 'reconnect scheduled');
  }

  /** Subscribes; the handler receives only valid messages on topics matching the filter. */
  /**
   * Subscribes; the handler receives only valid messages on topics matching the filter. While
   * disconnected the filter is remembered and subscribed on the next connect (resolves at once).
   */
  async subscribe(filter: string, handler: MessageHandler, qos: 0 | 1 = 1): Promise<void> {
    this.handlers.push({ filter, handler });
    this.filters.set(filter, Math.max(qos, this.filters.get(filter) ?? 0) as 0 | 1);
    const client = this.requireClient();
    if (client.connected) await client.subscribeAsync(filter, { qos });
  }

  private resubscribe(): void {
    const client = this.client;
    if (!client || this.filters.size === 0) return;
    const all = Object.fromEntries([...this.filters].map(([f, qos]) => [f, { qos }]));
    client.subscribeAsync(all).catch((err) => this.log.warn({ err: err.message }, 'subscribe failed'));
  }

  async unsubscribe(filter: string): Promise<void> {
    for (let i = this.handlers.length - 1; i >= 0; i--)
      if (this.handlers[i]?.filter === filter) this.handlers.splice(i, 1);
    await this.requireClient().unsubscribeAsync(filter);
  }

  private dispatch(topic: string, payload: Buffer, retained: boolean): void {
    const matching = this.handlers.filter((h) => topicMatches(h.filter, topic));
    if (matching.length === 0) return;
    const decoded = decodeMessage(topic, payload, retained);
    if (!decoded.ok) {
      this.metrics.invalid.inc({ kind: decoded.kind });
      this.invalid.report(topic, decoded.reason);
      return;
    }
    this.metrics.received.inc({ kind: decoded.message.parts.kind });
    for (const h of matching) this.guard(() => h.handler(decoded.message));
  }

  /** Runs a caller's handler so that neither a throw nor a rejection can take the process down. */
  private guard(fn: () => void | Promise<void>): void {
    const fail = (err: unknown) => {
      this.metrics.handlerErrors.inc();
      this.log.error({ err }, 'handler failed');
    };
    try {
      const r = fn();
      if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch(fail);
    } catch (err) {
      fail(err);
    }
  }

  /**
   * Publishes a payload (or a tombstone: null) with the contract's retain flag and QoS. Rejects with
   * BusPublishError, before anything is sent, for a bad topic segment, a topic outside this client's
   * role, or a payload that does not match its schema. Resolves when QoS 1 is acknowledged.
   */
  async publish<K extends TopicKind>(parts: PartsOf<K>, payload: TopicPayloads[K] | null): Promise<void> {
    let topic: string;
    try {
      topic = buildTopic(parts);
    } catch (err) {
      throw new BusPublishError((err as Error).message);
    }
    const contract = TOPIC_CONTRACT[parts.kind];
    const decision = canPublish(this.principal, topic);
    if (!decision.ok) throw new BusPublishError(`refused to publish to ${topic}: ${decision.reason}`);
    let body: string;
    if (payload === null) {
      if (!contract.tombstone) throw new BusPublishError(`${parts.kind} topics have no tombstones`);
      body = '';
    } else {
      const result = validateMessage(contract.schema, payload);
      if (!result.ok) throw new BusPublishError(`invalid ${contract.schema} for ${topic}: ${result.errors.join('; ')}`);
      body = JSON.stringify(payload);
    }
    const client = this.requireClient();
    this.metrics.published.inc({ kind: parts.kind });
    await client.publishAsync(topic, body, { qos: contract.qos, retain: contract.retain });
  }

  private requireClient(): MqttClient {
    if (!this.client) throw new BusPublishError('bus client not started');
    return this.client;
  }

  /**
   * Clean shutdown. A DISCONNECT discards the last will (MQTT 3.1.1 section 3.1.2.5), so the status is
   * settled explicitly first: a service clears its status (zero-length retained), the watcher
   * publishes `offline` because no one watches the cluster any more.
   */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.stopping = true;
    const { identity, cluster, instance } = this.opts;
    if (client.connected) {
      try {
        await withTimeout(
          identity.kind === 'watcher'
            ? this.publish(
                { kind: 'clusterStatus', cluster },
                this.statusPayload('offline') as TopicPayloads['clusterStatus'],
              )
            : this.publish({ kind: 'serviceStatus', cluster, service: identity.service, instance }, null),
          2000,
        );
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'could not settle status before disconnecting');
      }
    }
    await withTimeout(client.endAsync(!client.connected), 3000).catch(() => client.end(true));
    this.metrics.connected.set(0);
    this.client = undefined;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
