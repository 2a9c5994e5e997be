// The kubeblink broker: Aedes with kubeblink's hooks, its listeners, persistence and users file,
// as one component with start()/stop() (stop = graceful shutdown).
import type { Component, Logger, Registry } from '@kubeblink/core';
import type { BrokerSettings } from '@kubeblink/schemas';
import { Aedes, type Client } from 'aedes';
import { Authenticator } from './auth.ts';
import { type BrokerMetrics, brokerMetrics } from './broker-metrics.ts';
import { anonymousExposure } from './exposure.ts';
import { HashWorkers } from './hash-workers.ts';
import { createHooks, DenialError, type Hooks } from './hooks.ts';
import { LoginGate } from './login-gate.ts';
import { boundOutgoing, type CutOffReason } from './outgoing-queue.ts';
import { type Backend, createBackend } from './persistence.ts';
import { TokenRevalidator } from './token-revalidation.ts';
import { kubeReviewer, type Reviewer, TokenReviewCache } from './tokens.ts';
import { Listeners, PACKET_TOO_LARGE } from './transport.ts';
import { type UsersTable, UsersWatcher } from './users.ts';

export interface BrokerOptions {
  /** Validated settings: the schema's defaults are filled in (loadSettings, validateConfig). */
  settings: BrokerSettings;
  log: Logger;
  registry: Registry;
  /** Replaces the Kubernetes TokenReview call (unit tests); enables token authentication. */
  reviewer?: Reviewer;
}

// Aedes' errors that close a connection, by the start of their message, as metric reasons.
const CLIENT_ERRORS: [string, string][] = [
  ['keep alive timeout', 'keepalive'],
  ['topic has too many levels', 'topic_levels'],
  ['maxInflightInbound exceeded', 'inflight'],
  ['Client queue limit reached', 'queue_limit'],
];

const SLOW_SUBSCRIBER = 'slow subscriber';

// Aedes clamps maxTopicLevels to 100: its matcher (qlobber) cannot take more.
const AEDES_MAX_TOPIC_LEVELS = 100;

// A token client is re-checked at most this often (--token-cache-seconds 0 would spin otherwise).
const MIN_RECHECK_MS = 1000;

// Room for the topic and header fields of a PUBLISH on top of its payload.
const HEADER_ALLOWANCE = 1024;

export class Broker implements Component {
  readonly name = 'broker';
  readonly metrics: BrokerMetrics;
  aedes: Aedes | undefined;
  hooks: Hooks | undefined;
  auth: Authenticator | undefined;
  users: UsersWatcher | undefined;
  /** The login limits (login-gate.ts); tests read its queue. */
  gate: LoginGate | undefined;
  private listeners: Listeners | undefined;
  private backend: Backend | undefined;
  private hashWorkers: HashWorkers | undefined;
  private revalidator: TokenRevalidator | undefined;
  private readonly clients = new Map<string, Client>();
  private readonly opts: BrokerOptions;
  private readonly log: Logger;
  private stopping = false;

  constructor(opts: BrokerOptions) {
    this.opts = opts;
    this.log = opts.log.child({ module: 'broker' });
    this.metrics = brokerMetrics(opts.registry);
  }

  get port(): number {
    return this.listeners?.port ?? 0;
  }

  get wsPort(): number {
    return this.listeners?.wsPort ?? 0;
  }

  /** Whether a client with this id is connected (tests, diagnostics). */
  hasClient(id: string): boolean {
    return this.clients.has(id);
  }

  /** The principal of the client connected with this id (tests, diagnostics). */
  principalOf(id: string) {
    const client = this.clients.get(id);
    return client && this.hooks?.principalOf(client);
  }

  /** Ready while listening and not shutting down. */
  get ready(): boolean {
    return !!this.listeners && !this.stopping && this.aedes?.closed === false;
  }

  async start(): Promise<void> {
    try {
      await this.startParts();
    } catch (err) {
      // A port in use or a bad users file: release what did start (store, watcher, Aedes' timers).
      await this.stop();
      throw err;
    }
  }

  private async startParts(): Promise<void> {
    const { settings: s, log } = this.opts;
    this.stopping = false;
    const exposed = anonymousExposure(s);
    if (exposed) throw new Error(exposed);
    if (s.allowAnonymous) {
      log.warn(
        '!!! --allow-anonymous: ANY client may connect WITHOUT credentials and publish ANYTHING. Local development only: never expose this broker. !!!',
      );
    } else if (s.allowAnonymousRead) {
      log.warn('--allow-anonymous-read: anonymous clients may subscribe to kubeblink topics (never publish)');
    }
    if (!s.users && !s.allowAnonymous && !s.allowAnonymousRead && s.tokenAuth === 'off') {
      log.warn('no --users file, no anonymous access and no token authentication: every client will be refused');
    }
    const tokens = await this.tokenCache();
    // One thread per concurrent check: the gate never runs more (login-gate.ts).
    this.hashWorkers = new HashWorkers(s.loginConcurrency);
    const auth = new Authenticator({
      allowAnonymous: !!s.allowAnonymous,
      allowAnonymousRead: !!s.allowAnonymousRead,
      tokens,
      tokenCluster: s.tokenCluster,
      onPasswordCheck: (result) => this.metrics.passwordChecks.inc({ result }),
      derive: this.hashWorkers.derive,
    });
    this.auth = auth;
    if (s.users) {
      this.users = new UsersWatcher({
        path: s.users,
        pollIntervalMs: s.usersPollInterval,
        log,
        onLoad: (table) => {
          auth.setUsers(table);
          this.metrics.usersReloads.inc({ result: 'ok' });
          this.dropChangedUsers(table);
          this.revalidator?.recheckAll();
        },
        onError: () => this.metrics.usersReloads.inc({ result: 'error' }),
      });
      await this.users.start();
    }
    this.backend = await createBackend(s, log);
    const gate = new LoginGate({
      concurrency: s.loginConcurrency,
      failureRate: s.loginFailureRate,
      failureBurst: s.loginFailureBurst,
      pendingPerSource: s.loginPendingPerSource,
      unauthenticatedPerSource: s.maxUnauthenticatedPerSource,
      unauthenticated: s.maxUnauthenticated,
      maxWaitMs: s.connectTimeout,
    });
    this.gate = gate;
    const hooks = createHooks({
      auth,
      log,
      metrics: this.metrics,
      maxPayload: s.maxPayload,
      maxInflightBytes: s.maxInflightBytes,
      publishRate: s.publishRate,
      publishBurst: s.publishBurst,
      topicLimits: { maxBytes: s.maxTopicLength, maxLevels: s.maxTopicLevels },
      connectedClient: (id) => this.clients.get(id),
      clientIds: this.backend.clientIds,
      gate,
      sourceOf: (client) => this.listeners?.sourceOf(client) ?? 'unknown',
    });
    this.hooks = hooks;
    if (tokens) {
      this.revalidator = new TokenRevalidator({
        auth,
        metrics: this.metrics,
        log,
        stateOf: hooks.stateOf,
        minIntervalMs: MIN_RECHECK_MS,
        retryMs: Math.max(s.tokenCacheSeconds * 1000, MIN_RECHECK_MS),
      });
    }
    const limits = {
      maxMessages: s.outgoingQueueMessages,
      maxBytes: s.outgoingQueueBytes,
      drainTimeout: s.drainTimeout,
    };
    const aedes = await Aedes.createBroker({
      persistence: this.backend.persistence,
      mq: this.backend.mq,
      concurrency: s.concurrency,
      drainTimeout: s.drainTimeout,
      queueLimit: s.queueLimit,
      maxInflightInbound: s.maxInflight,
      // The hooks bound topics (topic-bounds.ts) and count the refusals; Aedes' own check, which
      // closes even a SUBSCRIBE's connection, stays only as a backstop at its ceiling.
      maxTopicLevels: AEDES_MAX_TOPIC_LEVELS,
      connectTimeout: s.connectTimeout,
      heartbeatInterval: s.heartbeatInterval,
      preConnect: (client, packet, done) => {
        // Before CONNACK: retained and queued messages are delivered during the CONNECT already.
        boundOutgoing(client, limits, (c, reason, detail) => this.slowSubscriber(c, reason, detail));
        hooks.preConnect(client, packet, done);
      },
      authenticate: hooks.authenticate,
      authorizePublish: hooks.authorizePublish,
      authorizeSubscribe: hooks.authorizeSubscribe,
    });
    this.aedes = aedes;
    // A QoS 2 message leaves the incoming store at its PUBREL: its bytes stop counting (inflight-bytes.ts).
    type IncomingDel = (client: Client, packet: { messageId?: number }) => Promise<unknown>;
    const store = (aedes as unknown as { persistence: { incomingDelPacket: IncomingDel } }).persistence;
    const incomingDel = store.incomingDelPacket.bind(store);
    store.incomingDelPacket = (client, packet) => {
      hooks.qos2Released(client, packet.messageId);
      return incomingDel(client, packet);
    };
    this.watch(aedes);
    this.listeners = new Listeners({
      host: s.host,
      port: s.port,
      wsPort: s.wsPort,
      tls: s.tlsCert && s.tlsKey ? { cert: s.tlsCert, key: s.tlsKey } : undefined,
      maxPacket: s.maxPayload + HEADER_ALLOWANCE,
      log,
      metrics: this.metrics,
      gate,
      handle: aedes.handle,
    });
    await this.listeners.start();
  }

  private async tokenCache(): Promise<TokenReviewCache | undefined> {
    const s = this.opts.settings;
    const auto = !!s.kubeconfig || !!process.env.KUBERNETES_SERVICE_HOST;
    if (!this.opts.reviewer && (s.tokenAuth === 'off' || (s.tokenAuth === 'auto' && !auto))) return undefined;
    const reviewer = this.opts.reviewer ?? (await kubeReviewer(s.kubeconfig));
    this.log.info({ audience: s.tokenAudience }, 'ServiceAccount tokens accepted (TokenReview)');
    const cache = new TokenReviewCache({ reviewer, audience: s.tokenAudience, ttlMs: s.tokenCacheSeconds * 1000 });
    const check = cache.check.bind(cache);
    cache.check = async (token) => {
      const r = await check(token).catch((err: Error) => {
        this.metrics.tokenReviews.inc({ result: 'error', cached: 'false' });
        throw err;
      });
      this.metrics.tokenReviews.inc({ result: r.ok ? 'ok' : r.reason, cached: String(r.cached) });
      return r;
    };
    return cache;
  }

  private watch(aedes: Aedes): void {
    aedes.on('client', (client) => {
      this.listeners?.authenticated(client);
      this.clients.set(client.id, client);
      this.metrics.clients.set(this.clients.size);
      this.revalidator?.watch(client);
    });
    aedes.on('clientDisconnect', (client) => {
      if (this.clients.get(client.id) === client) this.clients.delete(client.id);
      this.revalidator?.forget(client);
      this.metrics.clients.set(this.clients.size);
    });
    // Aedes may report several errors for one dying connection (each pending write): count the first.
    const errored = new WeakSet<Client>();
    const onError = (client: Client | null, err: Error) => {
      if (client) {
        if (errored.has(client)) return;
        errored.add(client);
      }
      // Denials are counted by the hooks, oversized packets by the listeners.
      if (err instanceof DenialError) return;
      // Slow subscribers are counted and logged when they are cut off (slowSubscriber).
      if (err.message.startsWith(SLOW_SUBSCRIBER)) return;
      if (err.message.startsWith(PACKET_TOO_LARGE)) {
        this.log.warn({ clientId: client?.id, err: err.message }, 'refused an oversized packet');
        return;
      }
      const reason = CLIENT_ERRORS.find(([prefix]) => err.message.startsWith(prefix))?.[1] ?? 'other';
      this.metrics.clientErrors.inc({ reason });
      const level = reason === 'other' ? 'debug' : 'warn';
      this.log[level]({ clientId: client?.id, reason, err: err.message }, 'client connection closed on error');
    };
    aedes.on('clientError', onError);
    aedes.on('connectionError', onError);
  }

  /** A subscriber over its outgoing-queue bounds was disconnected (outgoing-queue.ts): counted, logged once. */
  private slowSubscriber(client: Client, reason: CutOffReason, detail: string): void {
    this.metrics.slowSubscribers.inc({ reason });
    const user = this.hooks?.stateOf(client)?.user;
    this.log.warn({ clientId: client.id, user, reason, detail }, 'disconnected a slow subscriber');
  }

  /** After a users reload: clients whose users-file entry was removed or changed must log in again. */
  private dropChangedUsers(table: UsersTable): void {
    for (const client of this.clients.values()) {
      const state = this.hooks?.stateOf(client);
      if (!state?.entry) continue;
      const username = (JSON.parse(state.entry) as { username: string }).username;
      const now = table.users.get(username);
      if (!now || JSON.stringify(now) !== state.entry) {
        this.log.info({ clientId: client.id, user: username }, 'users file changed this user: disconnecting');
        client.close();
      }
    }
  }

  /** Graceful: stop accepting, let in-flight deliveries finish (bounded), close clients, close the store. */
  async stop(): Promise<void> {
    const { aedes, listeners, backend } = this;
    this.stopping = true;
    listeners?.stopAccepting();
    this.revalidator?.stop();
    this.revalidator = undefined;
    if (aedes) {
      await this.idle(aedes, this.opts.settings.shutdownTimeout);
      // Closing a client waits on its store operations: bounded, so SIGTERM never hangs.
      let timer: NodeJS.Timeout | undefined;
      const closed = await Promise.race([
        new Promise<boolean>((resolve) => aedes.close(() => resolve(true))),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(resolve, 5000, false);
        }),
      ]);
      clearTimeout(timer);
      if (!closed) this.log.warn('clients did not close within 5 s; dropping their connections');
      // Closing clients publishes their wills: let those reach the store before it closes.
      await this.idle(aedes, 1000);
    }
    await listeners?.stop();
    await backend?.close().catch((err: Error) => this.log.warn({ err: err.message }, 'closing persistence failed'));
    await this.users?.stop();
    await this.hashWorkers?.stop();
    this.hashWorkers = undefined;
    this.aedes = undefined;
    this.listeners = undefined;
    this.backend = undefined;
    this.clients.clear();
    this.metrics.clients.set(0);
  }

  /** Waits until no message is being delivered (mqemitter's in-flight count and queue), at most `ms`. */
  private async idle(aedes: Aedes, ms: number): Promise<void> {
    const mq = (aedes as unknown as { mq: { current?: number; length?: number } }).mq;
    const deadline = Date.now() + ms;
    while ((mq.current ?? 0) + (mq.length ?? 0) > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
