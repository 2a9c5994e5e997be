// The one MQTT adapter every service uses (MQTT.js underneath). One job per module beside it: the
// connection's status and single last will (status.ts), reconnecting with backoff and a fresh password
// (reconnect.ts), the checks of every publish (publish-check.ts), and the validated delivery of every
// message received (subscriptions.ts): an invalid one is dropped, logged once per topic and counted,
// never thrown at the caller. This file wires them to one MQTT.js connection.
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Principal, Role } from '../acl.ts';
import { counter, gauge } from '../metrics.ts';
import type { PartsOf, TopicKind, TopicPayloads } from '../topics.ts';
import { Backoff } from './backoff.ts';
import type { BusMessage } from './decode.ts';
import { BusPublishError, checkPublish } from './publish-check.ts';
import { currentPassword, rearmReconnect } from './reconnect.ts';
import { type BusIdentity, finalStatus, lastWill, onlineStatus, type StatusMessage } from './status.ts';
import { type MessageHandler, Subscriptions } from './subscriptions.ts';

export type { BusIdentity, BusMessage, MessageHandler };
export { BusPublishError };

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

export type ConnectHandler = (info: { sessionPresent: boolean }) => void | Promise<void>;

export class BusClient {
  readonly name = 'bus';
  private readonly opts: BusClientOptions;
  private readonly log: Logger;
  private client: MqttClient | undefined;
  private readonly subscriptions: Subscriptions;
  private readonly connectHandlers: ConnectHandler[] = [];
  private readonly disconnectHandlers: (() => void)[] = [];
  private readonly backoff: Backoff;
  private readonly principal: Principal;
  private readonly metrics;
  private stopping = false;

  constructor(opts: BusClientOptions) {
    this.opts = opts;
    this.log = opts.log.child({ module: 'bus' });
    this.backoff = new Backoff(opts.reconnect ?? { minMs: 500, maxMs: 30_000 });
    this.principal = { role: opts.role, clientId: opts.instance, pod: opts.pod };
    const r = opts.registry;
    this.metrics = {
      connected: gauge(r, 'kubeblink_bus_connected', '1 while connected to the MQTT broker'),
      connects: counter(r, 'kubeblink_bus_connects_total', 'Successful connections to the broker', ['session_present']),
      published: counter(r, 'kubeblink_bus_messages_published_total', 'Messages published', ['kind']),
      handlerErrors: counter(r, 'kubeblink_bus_handler_errors_total', 'Errors thrown by message handlers'),
    };
    this.subscriptions = new Subscriptions({ log: this.log, registry: r, guard: (fn) => this.guard(fn) });
  }

  get connected(): boolean {
    return this.client?.connected === true;
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
    const client = connect(opts.url, {
      clientId: opts.instance,
      clean: opts.clean ?? true,
      username: opts.username,
      password: currentPassword(opts, this.log),
      protocolVersion: 4, // MQTT 3.1.1 (Aedes 1.x); keep 5-only features out until the broker speaks it.
      reconnectPeriod: opts.reconnect?.minMs ?? 500,
      connectTimeout: 10_000,
      // We subscribe again on every connect ourselves (see handleConnect): MQTT.js's resubscribe
      // only repeats subscriptions that once succeeded, so one made before the first connect was lost.
      resubscribe: false,
      // MQTT.js would otherwise pre-build a 2-byte buffer for each of the 65,536 packet ids, the first
      // time any client writes: 6.5 MB of heap in every process, to save a 2-byte allocation per packet.
      writeCache: false,
      will: lastWill(opts),
      ...opts.mqtt,
    });
    this.client = client;
    client.on('connect', (connack) => this.handleConnect(connack.sessionPresent === true));
    client.on('close', () => this.handleClose());
    client.on('reconnect', () => {
      client.options.password = currentPassword(opts, this.log);
    });
    client.on('error', (err) => this.log.warn({ err: err.message }, 'mqtt error'));
    client.on('message', (topic, payload, packet) =>
      this.subscriptions.dispatch(topic, payload, packet.retain === true),
    );
  }

  private handleConnect(sessionPresent: boolean): void {
    this.backoff.reset();
    this.metrics.connected.set(1);
    this.metrics.connects.inc({ session_present: String(sessionPresent) });
    this.log.info({ url: this.opts.url, sessionPresent }, 'connected to broker');
    const online = onlineStatus(this.opts);
    if (online) {
      void this.publishStatus(online).catch((err) => this.log.warn({ err: err.message }, 'status publish failed'));
    }
    // Without a kept session the broker has forgotten our subscriptions (MQTT 3.1.1 section 3.1.2.4).
    // With one it kept them, and subscribing again would make it resend every retained message.
    const all = sessionPresent ? undefined : this.subscriptions.all();
    if (all) this.client?.subscribeAsync(all).catch((err) => this.log.warn({ err: err.message }, 'subscribe failed'));
    for (const h of this.connectHandlers) this.guard(() => h({ sessionPresent }));
  }

  private handleClose(): void {
    this.metrics.connected.set(0);
    if (this.stopping) return;
    for (const h of this.disconnectHandlers) this.guard(h);
    rearmReconnect(this.client, this.backoff, this.log);
  }

  /**
   * Subscribes; the handler receives only valid messages on topics matching the filter. While
   * disconnected the filter is remembered and subscribed on the next connect (resolves at once).
   */
  async subscribe(filter: string, handler: MessageHandler, qos: 0 | 1 = 1): Promise<void> {
    this.subscriptions.add(filter, handler, qos);
    const client = this.requireClient();
    if (client.connected) await client.subscribeAsync(filter, { qos });
  }

  async unsubscribe(filter: string): Promise<void> {
    this.subscriptions.remove(filter);
    await this.requireClient().unsubscribeAsync(filter);
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
    const { topic, body, qos, retain } = checkPublish(this.principal, parts, payload);
    const client = this.requireClient();
    this.metrics.published.inc({ kind: parts.kind });
    await client.publishAsync(topic, body, { qos, retain });
  }

  private publishStatus(status: StatusMessage): Promise<void> {
    return status.kind === 'clusterStatus'
      ? this.publish(status.parts, status.payload)
      : this.publish(status.parts, status.payload);
  }

  private requireClient(): MqttClient {
    if (!this.client) throw new BusPublishError('bus client not started');
    return this.client;
  }

  /** Clean shutdown: the status is settled first (status.ts finalStatus), then DISCONNECT. */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.stopping = true;
    const final = finalStatus(this.opts);
    if (client.connected && final) {
      try {
        await withTimeout(this.publishStatus(final), 2000);
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
