// Every publish is checked here before anything is sent, because in MQTT 3.1.1 a publish the broker
// refuses disconnects the client (there is no PUBACK with an error code before MQTT 5): the topic's
// segments, the caller's role (the broker's own ACL rules, acl.ts) and the payload's schema.
import { validateMessage } from '@kubeblink/schemas';
import { canPublish, type Principal } from '../acl.ts';
import { buildTopic, type PartsOf, TOPIC_CONTRACT, type TopicKind, type TopicPayloads } from '../topics.ts';

export class BusPublishError extends Error {
  override name = 'BusPublishError';
}

/** A checked publish, ready for the wire: the contract's retain flag and QoS, the JSON body. */
export interface CheckedPublish {
  topic: string;
  body: string;
  qos: 0 | 1;
  retain: boolean;
}

/**
 * Checks a payload (or a tombstone: null) for `parts`; throws BusPublishError for a bad topic
 * segment, a topic outside the principal's role, a tombstone where the contract has none, or a
 * payload that does not match its schema.
 */
export function checkPublish<K extends TopicKind>(
  principal: Principal,
  parts: PartsOf<K>,
  payload: TopicPayloads[K] | null,
): CheckedPublish {
  let topic: string;
  try {
    topic = buildTopic(parts);
  } catch (err) {
    throw new BusPublishError((err as Error).message);
  }
  const contract = TOPIC_CONTRACT[parts.kind];
  const decision = canPublish(principal, topic);
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
  return { topic, body, qos: contract.qos, retain: contract.retain };
}
