// Reconnecting: with backoff and jitter instead of MQTT.js's fixed period, and with the password read
// again each time, because a projected ServiceAccount token or a mounted Secret rotates.
import { readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Backoff } from './backoff.ts';

/**
 * The password to send now: the file's content when there is a password file (read at every
 * (re)connect, so a rotated token takes effect without a restart), else the fixed password.
 */
export function currentPassword(o: { password?: string; passwordFile?: string }, log: Logger): string | undefined {
  if (o.passwordFile) {
    try {
      return readFileSync(o.passwordFile, 'utf8').trim();
    } catch (err) {
      log.error({ err: (err as Error).message, file: o.passwordFile }, 'cannot read password file');
    }
  }
  return o.password;
}

// MQTT.js retries at a fixed reconnectPeriod. To back off with jitter we re-arm its reconnect timer
// with a new period after each failed attempt. _clearReconnect/_setupReconnect are MQTT.js 5
// internals (pinned version, covered by the reconnect test); without them the fixed period stays.
export function rearmReconnect(client: MqttClient | undefined, backoff: Backoff, log: Logger): void {
  const c = client as unknown as
    | { options: { reconnectPeriod: number }; _clearReconnect?: () => void; _setupReconnect?: () => void }
    | undefined;
  if (!c || typeof c._clearReconnect !== 'function' || typeof c._setupReconnect !== 'function') return;
  const delay = backoff.next();
  c.options.reconnectPeriod = delay;
  c._clearReconnect();
  c._setupReconnect();
  log.debug({ delayMs: delay }, 'reconnect scheduled');
}
