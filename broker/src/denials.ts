// The broker's refusals: their errors, their MQTT 5 reason codes, and how each is counted and logged.
import type { Logger } from '@kubeblink/core';
import type { Action, BrokerMetrics } from './broker-metrics.ts';
import type { TopicBoundReason } from './topic-bounds.ts';

export type PublishDenial =
  | 'acl'
  | 'signal_node'
  | 'too_large'
  | 'invalid'
  | 'rate_limited'
  | 'inflight_bytes'
  | TopicBoundReason;

/**
 * MQTT 5 reason codes of each refusal (PUBACK/PUBREC, SUBACK, CONNACK). Aedes 1.x speaks MQTT
 * 3.1.1 and cannot send them; every refusal error already carries its code (`reasonCode`) so that
 * moving to Aedes 2 answers instead of disconnecting without touching the decisions.
 */
export const MQTT5_REASON: Record<PublishDenial | 'subscribe_acl' | 'subscribe_topic', number> = {
  acl: 0x87, // Not authorized
  signal_node: 0x87,
  too_large: 0x95, // Packet too large
  invalid: 0x99, // Payload format invalid
  rate_limited: 0x96, // Message rate too high
  inflight_bytes: 0x97, // Quota exceeded
  topic_too_long: 0x90, // Topic Name invalid
  topic_levels: 0x90,
  subscribe_acl: 0x87,
  subscribe_topic: 0x8f, // Topic Filter invalid
};

export class DenialError extends Error {
  override name = 'DenialError';
  readonly reason: string;
  readonly reasonCode: number | undefined;
  constructor(reason: string, detail: string, reasonCode?: number) {
    super(`${reason}: ${detail}`);
    this.reason = reason;
    this.reasonCode = reasonCode;
  }
}

// Identifier, topic-bound and login-gate refusals are logged once per reason and client (id and user;
// the source address for the gate's): a squatter, a broken client or a flood retrying must not flood
// the log; each refusal is still counted. Bounded: forgotten (and logged again) past this.
const LOGGED_REFUSALS = 10_000;
const LOGGED_ONCE: ReadonlySet<string> = new Set([
  'client_id_owned',
  'client_id_taken',
  'topic_too_long',
  'topic_levels',
  'login_rate_limited',
  'login_busy',
]);

/** Counts every refusal in kubeblink_broker_denials_total and logs it (some once, see LOGGED_ONCE). */
export function denialRecorder(metrics: BrokerMetrics, log: Logger) {
  const loggedRefusals = new Set<string>();
  return (action: Action, reason: string, fields: Record<string, unknown>): void => {
    metrics.denials.inc({ action, reason });
    let level: 'warn' | 'debug' = 'warn';
    if (LOGGED_ONCE.has(reason)) {
      // Gate refusals per source (a flood uses a new client id each time), the others per id and user.
      const who = fields.source ?? `${String(fields.clientId)}\0${String(fields.username ?? fields.user)}`;
      const key = `${reason}\0${String(who)}`;
      if (loggedRefusals.has(key)) level = 'debug';
      else {
        if (loggedRefusals.size >= LOGGED_REFUSALS) loggedRefusals.clear();
        loggedRefusals.add(key);
      }
    }
    log[level]({ action, reason, ...fields }, `refused ${action}`);
  };
}
