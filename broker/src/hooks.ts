// Aedes' authenticate and authorize hooks: the broker side of docs/design.md's security section.
// The ACL is core's acl.ts (canPublish/canSubscribe), the SAME rules the bus client checks
// before it publishes, because in MQTT 3.1.1 a refused PUBLISH cannot be answered: the broker
// closes the connection (MQTT-3.3.5-2; there is no PUBACK reason code before MQTT 5).
// A refused SUBSCRIBE is answered with the failure return code 0x80 (MQTT-3.9.3) and the
// connection stays up.
import {
  canPublish,
  canSubscribe,
  type Decision,
  decodeMessage,
  type Logger,
  type Principal,
  TOPIC_CONTRACT,
  TOPIC_ROOT,
} from '@kubeblink/core';
import type { AuthenticateError, Client, ConnectPacket, PublishPacket, Subscription } from 'aedes';
import type { Authenticator } from './auth.ts';
import type { BrokerMetrics } from './broker-metrics.ts';
import type { ClientIdStore } from './client-ids.ts';
import { DenialError, denialRecorder, MQTT5_REASON, type PublishDenial } from './denials.ts';
import { InboundQos2Bytes } from './inflight-bytes.ts';
import type { GateRefusal, LoginGate } from './login-gate.ts';
import { TokenBucket } from './rate-limit.ts';
import { signalNodeRefusal } from './signal-nodes.ts';
import { type TopicLimits, topicOverBounds } from './topic-bounds.ts';

export { DenialError, MQTT5_REASON, type PublishDenial } from './denials.ts';

export interface ClientState {
  principal: Principal;
  user: string;
  /** The principal owning this client's id (undefined: anonymous). */
  owner: string | undefined;
  /** The users-file entry of a password login (JSON), to notice a reload that changes it. */
  entry: string | undefined;
  will: ConnectPacket['will'] | undefined;
  /** A token login's token and when its review stops being reused (token-revalidation.ts). */
  token: { value: string; expires: number } | undefined;
  /** The node whose signals an app may publish (signal-nodes.ts). */
  node: string | undefined;
  acl: Map<string, Decision>;
  bucket: TokenBucket | undefined;
  /** Bytes of inbound QoS 2 messages awaiting PUBREL (inflight-bytes.ts), made at the first one. */
  qos2: InboundQos2Bytes | undefined;
}

export interface HooksOptions {
  auth: Authenticator;
  log: Logger;
  metrics: BrokerMetrics;
  maxPayload: number;
  /** Bytes of inbound QoS 2 messages one client may hold awaiting PUBREL. */
  maxInflightBytes: number;
  publishRate: number;
  publishBurst: number;
  /** Bounds of every PUBLISH topic, will topic and SUBSCRIBE filter (topic-bounds.ts). */
  topicLimits: TopicLimits;
  /** Another connected client with this id (MQTT-3.1.4-2 takeover), if any. */
  connectedClient: (id: string) => Client | undefined;
  /** Who owns each client id (client-ids.ts). */
  clientIds: ClientIdStore;
  /** Queues and limits credential checks per source address (login-gate.ts). */
  gate: LoginGate;
  /** The source address key of a client's connection (login-gate.ts sourceKey). */
  sourceOf: (client: Client) => string;
  now?: () => number;
}

// A client that would wait longer than this for its rate limit is refused instead of delayed.
const MAX_THROTTLE_MS = 1000;
const ACL_CACHE_SIZE = 1024;
// Refusals that count against the source's failed-login bucket (login-gate.ts). Not an API server
// outage (token_review_failed), which is no client's fault.
const LOGIN_FAILURES: ReadonlySet<string> = new Set([
  'bad_credentials',
  'token_invalid',
  'token_unbound',
  'token_unmapped',
]);
// The watcher's start-up sync publishes every state at once (thousands in a big cluster), and an
// admin is trusted: the rate limit is for the many app pods and readers.
const UNLIMITED_ROLES: ReadonlySet<string> = new Set(['watcher', 'admin']);

/**
 * MQTT 4.7.2: `$`-topics are not the clients' own. `$SYS/` is the broker's (Aedes publishes its
 * statistics there): nobody may publish into it. Other `$`-topics are allowed to admins only, as a
 * general MQTT broker allows them (an anonymous admin of --allow-anonymous, local development);
 * `#` and `+` filters never match them [MQTT-4.7.2-1] (Aedes' blockDollarSignTopics).
 */
function dollarTopicRefusal(principal: Principal, topic: string): Decision | undefined {
  if (!topic.startsWith('$')) return undefined;
  if (topic.startsWith('$SYS/') || topic === '$SYS') return { ok: false, reason: "$SYS topics are the broker's own" };
  return principal.role === 'admin' ? { ok: true } : { ok: false, reason: '$ topics are for admins only' };
}

export function createHooks(opts: HooksOptions) {
  const { auth, metrics, maxPayload } = opts;
  const log = opts.log.child({ module: 'auth' });
  const now = opts.now ?? (() => performance.now());
  const states = new WeakMap<Client, ClientState>();
  const wills = new WeakMap<Client, ConnectPacket['will']>();
  const publishedByKind = new Map<string, { inc: () => void }>();

  // A zero-length client id: with CleanSession=0 it is answered CONNACK 0x02 [MQTT-3.1.3-8] (Aedes
  // would assign one either way); with CleanSession=1 Aedes' `aedes_<uuid>` is the unique id the
  // server assigns [MQTT-3.1.3-6]. Such an id is never claimed: it is used once, and a claim is
  // kept forever (one store entry per connection otherwise).
  const emptyPersistentIds = new WeakSet<Client>();
  const assignedIds = new WeakSet<Client>();
  const deny = denialRecorder(metrics, log);

  /**
   * Whether `state` may use this client's id (client-ids.ts): the refusal's reason and detail, or
   * undefined. Principals claim the id on first use; anonymous clients may only use unowned ids,
   * with CleanSession=1 when they are readers (an unowned persistent session could be resumed by
   * any other anonymous client), and never take over a connected client.
   */
  async function idRefusal(client: Client, state: ClientState): Promise<[string, string] | undefined> {
    const id = client.id;
    if (assignedIds.has(client)) return undefined;
    const owner = state.owner ? await opts.clientIds.claim(id, state.owner) : await opts.clientIds.ownerOf(id);
    if (owner !== undefined && owner !== state.owner)
      return ['client_id_owned', `client id ${id} belongs to another principal`];
    if (!state.owner && state.principal.role === 'anonymous' && !client.clean) {
      return ['client_id_session', 'anonymous readers get clean sessions only (CleanSession=1)'];
    }
    // MQTT-3.1.4-2 takeover: only by the same principal, or by the id's owner from an anonymous squatter.
    const other = opts.connectedClient(id);
    const otherState = other && other !== client ? states.get(other) : undefined;
    if (otherState && (!state.owner || (otherState.owner !== undefined && otherState.owner !== state.owner))) {
      return ['client_id_taken', `client id ${id} is connected as another client`];
    }
    return undefined;
  }

  /**
   * ACL, size and schema checks shared by PUBLISH and the will of CONNECT: the denial, or when
   * allowed the message kind (`other` outside kubeblink/), the `kind` label of the published counter.
   */
  type Check = { reason: PublishDenial; detail: string } | { ok: string };
  function checkPublish(
    state: ClientState,
    packet: { topic: string; payload: Buffer | string; retain?: boolean },
  ): Check {
    const { topic } = packet;
    // Before the ACL cache, which would otherwise keep up to ACL_CACHE_SIZE huge topics per client.
    const bound = topicOverBounds(topic, opts.topicLimits);
    if (bound) return bound;
    let decision = state.acl.get(topic);
    if (!decision) {
      decision = dollarTopicRefusal(state.principal, topic) ?? canPublish(state.principal, topic);
      if (state.acl.size >= ACL_CACHE_SIZE) state.acl.clear();
      state.acl.set(topic, decision);
    }
    if (!decision.ok) return { reason: 'acl', detail: decision.reason };
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (payload.length > maxPayload) {
      return { reason: 'too_large', detail: `payload of ${payload.length} bytes exceeds ${maxPayload}` };
    }
    if (topic.startsWith(`${TOPIC_ROOT}/`)) {
      // Validated once per publish, before delivery to any subscriber (tombstones are valid).
      const decoded = decodeMessage(topic, payload, packet.retain === true);
      if (!decoded.ok) return { reason: 'invalid', detail: decoded.reason };
      const { parts } = decoded.message;
      const kind = parts.kind;
      if (kind === 'podSignals') {
        const foreign = signalNodeRefusal(state.principal, state.node, parts.node);
        if (foreign) return { reason: 'signal_node', detail: foreign };
      }
      if (packet.retain && !TOPIC_CONTRACT[kind].retain) {
        return { reason: 'invalid', detail: `${kind} messages are never retained` };
      }
      return { ok: kind };
    }
    return { ok: 'other' };
  }

  function countPublished(kind: string): void {
    let child = publishedByKind.get(kind);
    if (!child) {
      child = metrics.published.labels({ kind });
      publishedByKind.set(kind, child);
    }
    child.inc();
  }

  return {
    /** Which principal a connected client acts as (for tests and diagnostics). */
    principalOf: (client: Client) => states.get(client)?.principal,
    stateOf: (client: Client): Readonly<ClientState> | undefined => states.get(client),
    /** Aedes deleted an inbound QoS 2 message at its PUBREL (inflight-bytes.ts). */
    qos2Released: (client: Client, messageId: number | undefined) => {
      if (messageId !== undefined) states.get(client)?.qos2?.release(messageId);
    },

    preConnect(client: Client, packet: ConnectPacket, done: (err: Error | null, ok: boolean) => void) {
      // Keep the will: authenticate checks that this client may publish it.
      wills.set(client, packet.will);
      if (packet.clientId === '') (packet.clean ? assignedIds : emptyPersistentIds).add(client);
      done(null, true);
    },

    authenticate(
      client: Client,
      username: string | undefined,
      password: Buffer | undefined,
      done: (err: AuthenticateError | null, ok: boolean | null) => void,
    ) {
      let answered = false;
      const answer = (err: AuthenticateError | null, ok: boolean) => {
        if (answered) return;
        answered = true;
        done(err, ok);
      };
      const refuse = (reason: string, returnCode: number, detail: string, extra: Record<string, unknown> = {}) => {
        deny('connect', reason, { clientId: client.id, username, detail, ...extra });
        const err = new DenialError(reason, detail) as unknown as AuthenticateError;
        err.returnCode = returnCode as AuthenticateError['returnCode'];
        answer(err, false);
      };
      if (emptyPersistentIds.has(client)) {
        return refuse('client_id_empty', 2, 'a zero-length client id needs CleanSession=1 [MQTT-3.1.3-8]');
      }
      const decide = async (result: Awaited<ReturnType<Authenticator['authenticate']>>) => {
        if (!result.ok) return refuse(result.reason, result.returnCode, result.detail);
        const state: ClientState = {
          principal: result.principal,
          user: result.user,
          owner: result.owner,
          entry: result.entry && JSON.stringify(result.entry),
          will: wills.get(client),
          token: result.token,
          node: result.node,
          acl: new Map(),
          bucket:
            opts.publishRate > 0 && !UNLIMITED_ROLES.has(result.principal.role)
              ? new TokenBucket(opts.publishRate, opts.publishBurst, now())
              : undefined,
          qos2: undefined,
        };
        // Before any session is resumed, wiped or taken over (Aedes does those after authenticate).
        const idProblem = await idRefusal(client, state);
        if (idProblem) return refuse(idProblem[0], 2, idProblem[1]);
        // The will is published later, possibly by a restarted broker with no client at all:
        // it is authorized now, at CONNECT, or the connection is refused.
        if (state.will) {
          const problem = checkPublish(state, state.will);
          if ('reason' in problem) {
            return refuse(`will_${problem.reason}`, 5, problem.detail, { topic: state.will.topic });
          }
        }
        states.set(client, state);
        metrics.authenticated.inc({ via: result.via, role: result.principal.role });
        log.info({ clientId: client.id, user: result.user, role: result.principal.role, via: result.via }, 'connected');
        answer(null, true);
      };
      const source = opts.sourceOf(client);
      const gateRefused = (why: GateRefusal) => {
        if (why === 'login_gone') {
          // Nobody to answer or to warn about: counted only.
          metrics.denials.inc({ action: 'connect', reason: why });
          return answer(new DenialError(why, 'client gone') as unknown as AuthenticateError, false);
        }
        const detail = why === 'login_rate_limited' ? 'too many failed logins from this address' : 'too many logins';
        // CONNACK 3 "server unavailable": try again later.
        refuse(why, 3, detail, { source });
      };
      // Anonymous logins hash nothing and ask nobody: they skip the queue.
      const checked =
        username === undefined && password === undefined
          ? auth.authenticate(client.id, username, password)
          : opts.gate.check(
              source,
              () => client.closed,
              () => auth.authenticate(client.id, username, password),
            );
      // Network input must never take the broker down: any surprise refuses this one connection.
      checked
        .then((result) => {
          if (typeof result === 'string') return gateRefused(result);
          if (!result.ok && LOGIN_FAILURES.has(result.reason)) opts.gate.failed(source);
          return decide(result);
        })
        .catch((err: Error) => refuse('error', 3, err.message));
    },

    authorizePublish(client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void) {
      // A persisted last will of a client that is gone (published by Aedes after a restart, or
      // by another replica): it was authorized when that client connected.
      if (!client) return done(null);
      const state = states.get(client);
      if (!state) return done(new DenialError('acl', 'unauthenticated client'));
      let problem: Check;
      try {
        problem = checkPublish(state, packet);
      } catch (err) {
        // A bug, not the client's fault; still refuse rather than let the exception reach Aedes.
        log.error({ err, clientId: client.id, topic: packet.topic }, 'publish check failed');
        problem = { reason: 'invalid', detail: 'internal error while checking the message' };
      }
      if ('reason' in problem) {
        deny('publish', problem.reason, {
          clientId: client.id,
          user: state.user,
          topic: packet.topic,
          detail: problem.detail,
        });
        return done(new DenialError(problem.reason, problem.detail, MQTT5_REASON[problem.reason]));
      }
      if (packet.qos === 2 && packet !== state.will && packet.messageId !== undefined) {
        state.qos2 ??= new InboundQos2Bytes(opts.maxInflightBytes);
        const size = packet.topic.length + (packet.payload?.length ?? 0);
        if (!state.qos2.admit(packet.messageId, size)) {
          const detail = `more than ${opts.maxInflightBytes} bytes of QoS 2 messages awaiting PUBREL`;
          deny('publish', 'inflight_bytes', { clientId: client.id, user: state.user, topic: packet.topic, detail });
          return done(new DenialError('inflight_bytes', detail, MQTT5_REASON.inflight_bytes));
        }
      }
      // The will is the broker's to publish when the client is gone: not rate limited.
      const wait = state.bucket && packet !== state.will ? state.bucket.take(now()) : 0;
      if (wait > MAX_THROTTLE_MS) {
        state.bucket?.refund();
        const detail = `more than ${opts.publishRate}/s for too long`;
        deny('publish', 'rate_limited', { clientId: client.id, user: state.user, topic: packet.topic, detail });
        return done(new DenialError('rate_limited', detail, MQTT5_REASON.rate_limited));
      }
      countPublished(problem.ok);
      if (wait > 0) {
        // Holding the callback holds this client's packet stream (Aedes reads the next batch only
        // after this one is handled): the socket's backpressure slows the publisher down.
        metrics.throttled.inc();
        setTimeout(done, wait, null);
        return;
      }
      done(null);
    },

    authorizeSubscribe(
      client: Client,
      sub: Subscription,
      done: (err: Error | null, sub?: Subscription | null) => void,
    ) {
      const state = states.get(client);
      const bound = topicOverBounds(sub.topic, opts.topicLimits);
      if (bound) {
        deny('subscribe', bound.reason, { clientId: client.id, user: state?.user, detail: bound.detail });
        return done(null, null); // SUBACK 0x80 for this filter (MQTT5_REASON.subscribe_topic later)
      }
      const decision: Decision = state
        ? canSubscribe(state.principal, sub.topic)
        : { ok: false, reason: 'unknown client' };
      if (!decision.ok) {
        deny('subscribe', 'acl', {
          clientId: client.id,
          user: state?.user,
          filter: sub.topic,
          detail: decision.reason,
        });
        return done(null, null); // SUBACK 0x80 for this filter; the connection stays up
      }
      done(null, sub);
    },
  };
}

export type Hooks = ReturnType<typeof createHooks>;
