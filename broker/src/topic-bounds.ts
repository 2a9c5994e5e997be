// Topic length and depth bounds of PUBLISH topics and SUBSCRIBE filters, for every role (issue 15).
// MQTT allows 65,535 bytes (section 1.5.3) and any depth; each topic is kept in the ACL cache, the
// subscription matcher and the retained store, so one client with huge or deep topics costs every
// other client memory and matching time. The bounds are checked by the hooks, before the ACL and
// before anything is stored, so a refusal is a kubeblink denial: a PUBLISH closes the connection
// (MQTT-3.3.5-2), a SUBSCRIBE filter gets 0x80 and the connection stays up (MQTT-3.9.3).

export interface TopicLimits {
  /** Largest topic or filter in UTF-8 bytes (settings' maxTopicLength). */
  maxBytes: number;
  /** Most '/'-separated levels (settings' maxTopicLevels). */
  maxLevels: number;
}

export type TopicBoundReason = 'topic_too_long' | 'topic_levels';

/** The refusal of a topic or filter over its bounds, or undefined. */
export function topicOverBounds(
  topic: string,
  limits: TopicLimits,
): { reason: TopicBoundReason; detail: string } | undefined {
  // UTF-16 length >= UTF-8 byte count / 3: skip the byte count for the common short topic.
  if (topic.length * 3 > limits.maxBytes) {
    const bytes = Buffer.byteLength(topic, 'utf8');
    if (bytes > limits.maxBytes) {
      return { reason: 'topic_too_long', detail: `topic of ${bytes} bytes exceeds ${limits.maxBytes}` };
    }
  }
  let levels = 1;
  for (let i = 0; i < topic.length; i++) if (topic.charCodeAt(i) === 47) levels++; // '/'
  if (levels > limits.maxLevels) {
    return { reason: 'topic_levels', detail: `topic of ${levels} levels exceeds ${limits.maxLevels}` };
  }
  return undefined;
}
