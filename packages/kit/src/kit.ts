// The subscriber kit's own connection: MQTT.js, which runs in Node (mqtt://, ws://) and in browsers
// (ws://, wss://). Read-only: the kit never publishes, so a `reader` user (or an anonymous reader,
// when the broker allows it) is all it needs. Browser-safe: no Node imports.
import { decodeMessage } from '@kubeblink/core/decode';
// The default import: MQTT.js's browser ESM build has no named exports, only its default object.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { ClusterModel } from './model.ts';
import type { EventOf, EventPattern, Handler, SignalName, SignalOf } from './router.ts';
import { Subscriber, type SubscriberOptions, type Subscription } from './subscriber.ts';

export interface KitOptions extends Omit<SubscriberOptions, 'cluster'> {
  /** mqtt://host:1883 or ws://host:9001 (Node); ws:// or wss:// (browser). */
  url: string;
  /** Default `default`. */
  cluster?: string;
  username?: string;
  /** A function is called at every (re)connect: a rotated token takes effect without a restart. */
  password?: string | (() => string | undefined);
  /** Default kubeblink-kit-<random>. */
  clientId?: string;
  /**
   * Default true: no session on the broker; after a reconnect the model resyncs from the retained
   * states. With false (and a stable clientId) the broker queues QoS 1 events while we are away.
   */
  clean?: boolean;
  /** Base reconnect period in ms (default 1000), with up to 100% jitter so that many displays do not reconnect in step. */
  reconnectMs?: number;
  /** A message was refused (bad topic, JSON or schema): default warns once per topic. */
  onInvalid?: (topic: string, reason: string) => void;
  /** Extra MQTT.js options (e.g. connectTimeout, keepalive). */
  mqtt?: Partial<IClientOptions>;
}

export type ConnectionListener = (state: { connected: boolean; sessionPresent?: boolean }) => void;

export class SubscriberKit {
  private readonly sub: Subscriber;
  private readonly opts: KitOptions;
  private client: MqttClient | undefined;
  private readonly connectionListeners = new Set<ConnectionListener>();
  private readonly onInvalid: (topic: string, reason: string) => void;
  private readonly onError: (err: unknown) => void;
  readonly stats = { connects: 0, received: 0, invalid: 0 };

  constructor(opts: KitOptions) {
    this.opts = opts;
    this.onError = opts.onError ?? ((err: unknown) => console.error('kubeblink kit:', err));
    this.sub = new Subscriber({ ...opts, cluster: opts.cluster ?? 'default', onError: this.onError });
    this.onInvalid = opts.onInvalid ?? warnOncePerTopic();
    this.sub.onSignalsWanted = () => {
      const signals = this.sub.subscriptions().filter((s) => s.qos === 0);
      if (this.client?.connected) this.subscribe(signals, false);
    };
  }

  get model(): ClusterModel {
    return this.sub.model;
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** Typed handler for one event type, `io.kubeblink.pod.*`, `io.kubeblink.node.*` or `*`; returns an unsubscribe function. */
  on<P extends EventPattern>(pattern: P, handler: Handler<EventOf<P>>): () => void {
    return this.sub.on(pattern, handler);
  }

  /** Typed handler for one app signal (request, heartbeat, liveness, readiness) or `*`. */
  onSignal<S extends SignalName | '*'>(name: S, handler: Handler<SignalOf<S>>): () => void {
    return this.sub.onSignal(name, handler);
  }

  onConnection(listener: ConnectionListener): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** Resolves once the model holds the retained states (first connect, or the resync in progress). */
  synced(): Promise<void> {
    return this.sub.synced();
  }

  onSynced(listener: () => void): () => void {
    return this.sub.onSynced(listener);
  }

  /** Starts connecting and returns at once; MQTT.js keeps reconnecting until stop(). */
  start(): this {
    if (this.client) return this;
    const { opts } = this;
    const base = opts.reconnectMs ?? 1000;
    const client = mqtt.connect(opts.url, {
      clientId: opts.clientId ?? `kubeblink-kit-${Math.random().toString(16).slice(2, 10)}`,
      clean: opts.clean ?? true,
      username: opts.username,
      password: this.password(),
      protocolVersion: 4, // MQTT 3.1.1, as the rest of kubeblink
      reconnectPeriod: Math.round(base * (1 + Math.random())),
      connectTimeout: 10_000,
      // The kit subscribes on every connect itself, so that it knows when the SUBACK (and with it the
      // start of the retained burst) arrives.
      resubscribe: false,
      ...opts.mqtt,
    });
    this.client = client;
    client.on('connect', (connack) => {
      this.stats.connects++;
      const sessionPresent = connack.sessionPresent === true;
      this.sub.connected(sessionPresent);
      this.subscribe(this.sub.subscriptions(), true);
      this.emitConnection({ connected: true, sessionPresent });
    });
    client.on('close', () => {
      this.sub.disconnected();
      this.emitConnection({ connected: false });
    });
    client.on('reconnect', () => {
      client.options.password = this.password();
    });
    client.on('error', (err) => this.onError(err));
    client.on('message', (topic, payload, packet) => {
      const decoded = decodeMessage(topic, payload, packet.retain === true);
      if (!decoded.ok) {
        this.stats.invalid++;
        this.onInvalid(topic, decoded.reason);
        return;
      }
      this.stats.received++;
      this.sub.handle(decoded.message);
    });
    return this;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.sub.stop();
    if (client) await client.endAsync();
  }

  private subscribe(subs: Subscription[], thenSettle: boolean): void {
    const client = this.client;
    if (!client || subs.length === 0) return;
    const map = Object.fromEntries(subs.map((s) => [s.filter, { qos: s.qos }]));
    client.subscribeAsync(map).then(
      (granted) => {
        // MQTT 3.1.1 section 3.9.3: 0x80 in a SUBACK is a refused subscription.
        const refused = granted.filter((g) => g.qos === 128).map((g) => g.topic);
        if (refused.length) this.onError(new Error(`broker refused subscriptions: ${refused.join(', ')}`));
        if (thenSettle) this.sub.subscribed();
      },
      (err: unknown) => this.onError(err),
    );
  }

  private password(): string | undefined {
    const p = this.opts.password;
    return typeof p === 'function' ? p() : p;
  }

  private emitConnection(state: { connected: boolean; sessionPresent?: boolean }): void {
    for (const l of this.connectionListeners) {
      try {
        l(state);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}

/** Creates a kit and starts connecting. */
export function connectKit(opts: KitOptions): SubscriberKit {
  return new SubscriberKit(opts).start();
}

/** A misbehaving publisher can send thousands of bad messages: warn once per topic, from a bounded set. */
function warnOncePerTopic(max = 1000): (topic: string, reason: string) => void {
  const seen = new Set<string>();
  return (topic, reason) => {
    if (seen.has(topic)) return;
    if (seen.size >= max) seen.clear();
    seen.add(topic);
    console.warn(`kubeblink kit: dropped an invalid message on ${topic}: ${reason}`);
  };
}
