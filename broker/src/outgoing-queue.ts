// Slow subscribers are isolated (issue 15 point 2). Aedes delivers a message to every matching
// client and, when a client's socket buffer is full, waits for that socket to drain before it
// releases the delivery slot (client.waitForDrain). mqemitter has `concurrency` slots for the whole
// broker, so one subscriber that stopped reading (a laptop gone to sleep, `mosquitto_sub | sleep`)
// held every slot within a hundred messages and stopped delivery to everyone for --drain-timeout.
//
// Here nobody waits for a slow client: its packets stay queued in its own socket's write buffer and
// the slot is released at once. The queue is bounded per client, in packets waiting past the
// socket's high-water mark and in bytes buffered; past either bound, or when it has not drained for
// drainTimeout, the client is disconnected (its QoS 1/2 messages stay in its session when it has one).
import type { Client } from 'aedes';

export interface OutgoingLimits {
  /** Packets a client may have waiting beyond its socket's high-water mark. */
  maxMessages: number;
  /** Bytes a client's socket may hold unsent. */
  maxBytes: number;
  /** Milliseconds a client's queue may stay full before it is cut off (0: no time limit). */
  drainTimeout: number;
}

export type CutOffReason = 'queue_messages' | 'queue_bytes' | 'drain_timeout';

interface Conn {
  writableLength?: number;
  once(event: 'drain', fn: () => void): void;
  destroy(err?: Error): void;
}

/**
 * Replaces Aedes' per-client wait for drain: the callback runs at once unless the client is over
 * its bounds, in which case it is disconnected (`onCutOff` is called once per client).
 */
export function boundOutgoing(
  client: Client,
  limits: OutgoingLimits,
  onCutOff: (client: Client, reason: CutOffReason, detail: string) => void,
): void {
  const conn = (client as unknown as { conn: Conn }).conn;
  let waiting = 0;
  let timer: NodeJS.Timeout | undefined;
  let cut = false;
  const cutOff = (reason: CutOffReason, detail: string) => {
    if (cut) return;
    cut = true;
    clearTimeout(timer);
    onCutOff(client, reason, detail);
    conn.destroy(new Error(`slow subscriber: ${detail}`));
  };
  const drained = () => {
    waiting = 0;
    clearTimeout(timer);
    timer = undefined;
  };
  (client as unknown as { waitForDrain: (cb: (err: Error | null, c: Client) => void) => void }).waitForDrain = (
    callback,
  ) => {
    if (cut) return setImmediate(callback, new Error('slow subscriber cut off'), client);
    waiting++;
    const bytes = conn.writableLength ?? 0;
    if (waiting > limits.maxMessages) cutOff('queue_messages', `more than ${limits.maxMessages} packets queued`);
    else if (bytes > limits.maxBytes) cutOff('queue_bytes', `${bytes} bytes queued, more than ${limits.maxBytes}`);
    else if (!timer) {
      conn.once('drain', drained);
      if (limits.drainTimeout > 0) {
        timer = setTimeout(cutOff, limits.drainTimeout, 'drain_timeout', `not drained in ${limits.drainTimeout} ms`);
        timer.unref();
      }
    }
    // The delivery slot is free again whatever this client does (the packet is in its buffer).
    setImmediate(callback, cut ? new Error('slow subscriber cut off') : null, client);
  };
}
