import type { Logger } from 'pino';

/**
 * Logs an invalid message once per topic (a misbehaving publisher can send thousands), with a bounded
 * memory: past `max` remembered topics the set starts over, so it cannot grow without end.
 */
export class InvalidMessageLog {
  private readonly seen = new Set<string>();
  private readonly log: Logger;
  private readonly max: number;
  constructor(log: Logger, max = 1000) {
    this.log = log;
    this.max = max;
  }

  report(topic: string, reason: string): void {
    if (this.seen.has(topic)) return;
    if (this.seen.size >= this.max) this.seen.clear();
    this.seen.add(topic);
    this.log.warn(
      { topic, reason },
      'dropped invalid message (logged once per topic, counted in kubeblink_bus_messages_invalid_total)',
    );
  }
}
