// Turns a received MQTT message into a typed, validated one, or a reason to refuse it.
// Browser-safe (the subscriber kit runs it in a page): no Node globals such as Buffer.
import { validateMessage } from '@kubeblink/schemas';
import {
  type PartsOf,
  parseTopic,
  TOPIC_CONTRACT,
  type TopicKind,
  type TopicParts,
  type TopicPayloads,
} from '../topics.ts';

/** Kinds whose topics accept a tombstone (TOPIC_CONTRACT): only they can bring a null payload. */
export type TombstoneKind = {
  [K in TopicKind]: (typeof TOPIC_CONTRACT)[K]['tombstone'] extends true ? K : never;
}[TopicKind];

/**
 * A valid received message of kind K (of any kind by default). `kind` repeats `parts.kind` because
 * TypeScript narrows a union only by a property of its own: `switch (m.kind)` narrows `parts` and
 * `payload` together, a switch on `m.parts.kind` would narrow `parts` alone.
 */
export type MessageOf<K extends TopicKind = TopicKind> = {
  [P in K]: {
    kind: P;
    topic: string;
    parts: PartsOf<P>;
    /** null: a zero-length retained payload (the retained message was deleted), on tombstone kinds only. */
    payload: P extends TombstoneKind ? TopicPayloads[P] | null : TopicPayloads[P];
    retained: boolean;
  };
}[K];

/** Every valid received message: one union over the topic kinds, discriminated by `kind`. */
export type BusMessage = MessageOf;

export type Decoded = { ok: true; message: BusMessage } | { ok: false; kind: TopicKind | 'unknown'; reason: string };

/** Default size cap of one payload; the broker enforces its own cap at the transport. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

// fatal: invalid UTF-8 is refused rather than silently turned into U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeMessage(topic: string, payload: Uint8Array, retained: boolean): Decoded {
  const parts = parseTopic(topic);
  if (!parts) return { ok: false, kind: 'unknown', reason: 'topic outside the kubeblink contract' };
  const contract = TOPIC_CONTRACT[parts.kind];
  if (payload.length === 0) {
    return contract.tombstone
      ? { ok: true, message: { kind: parts.kind, topic, parts, payload: null, retained } as BusMessage }
      : { ok: false, kind: parts.kind, reason: 'empty payload on a topic that has no tombstones' };
  }
  if (payload.length > MAX_PAYLOAD_BYTES) {
    return { ok: false, kind: parts.kind, reason: `payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(payload));
  } catch (err) {
    return { ok: false, kind: parts.kind, reason: `not JSON: ${(err as Error).message}` };
  }
  const result = validateMessage(contract.schema, value);
  if (!result.ok) return { ok: false, kind: parts.kind, reason: result.errors.join('; ') };
  const consistency = checkConsistency(parts, value);
  if (consistency) return { ok: false, kind: parts.kind, reason: consistency };
  // The schema of parts.kind has just accepted the value: this is the one place it gets its type.
  return { ok: true, message: { kind: parts.kind, topic, parts, payload: value, retained } as BusMessage };
}

/** A payload must describe the object its topic names: a state published under another pod's topic is a lie. */
function checkConsistency(parts: TopicParts, value: unknown): string | null {
  const v = value as Record<string, unknown>;
  switch (parts.kind) {
    case 'podState':
      return v.namespace === parts.namespace && v.name === parts.pod ? null : 'pod state does not match its topic';
    case 'nodeState':
      return v.name === parts.node ? null : 'node state does not match its topic';
    case 'podSignals': {
      const d = v.data as Record<string, unknown>;
      return d.namespace === parts.namespace && d.pod === parts.pod ? null : 'signal does not match its topic';
    }
    case 'serviceStatus':
      return v.service === parts.service && v.instance === parts.instance
        ? null
        : 'service status does not match its topic';
    default:
      return null;
  }
}
