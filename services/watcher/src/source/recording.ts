// Recordings: a cluster's watch stream saved as JSON lines (`kubeblink record FILE`), replayed by the
// `recording` source at recorded speed or faster — for benchmarks, bug reports and demos where no
// cluster (and no Go) is at hand. Line 1 is a header; every further line is one SourceEvent with `t`,
// milliseconds since the recording started:
//   {"kubeblink":"recording","version":1,"recordedAt":"...","server":"https://..."}
//   {"t":0,"kind":"nodes","type":"SYNC_START"}
//   {"t":3,"kind":"nodes","type":"ADDED","object":{...the Node as the API sent it...}}

import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@kubeblink/core';
import type { Source, SourceEvent, SourceListener } from './source-types.ts';

export const RECORDING_FORMAT = { kubeblink: 'recording', version: 1 } as const;

export interface RecordingSourceOptions {
  file: string;
  /** 1 = recorded speed, 10 = ten times faster, 0 = as fast as possible. */
  speed: number;
  log: Logger;
  /** Called once the whole recording has been delivered (the watcher then keeps its last state). */
  onEnd?: (stats: { events: number; invalid: number }) => void;
}

const KINDS = new Set(['pods', 'nodes']);
const TYPES = new Set(['SYNC_START', 'SYNC_END', 'ADDED', 'MODIFIED', 'DELETED']);

/** Checks one recorded line; returns the event or a reason to skip it. */
export function parseRecordedLine(line: string): { t: number; event: SourceEvent } | { error: string } {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(line);
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}` };
  }
  if (typeof v !== 'object' || v === null) return { error: 'not an object' };
  if (typeof v.t !== 'number' || !Number.isFinite(v.t) || v.t < 0) return { error: 't must be a non-negative number' };
  if (!KINDS.has(v.kind as string)) return { error: `kind must be pods or nodes, got ${JSON.stringify(v.kind)}` };
  if (!TYPES.has(v.type as string)) return { error: `unknown type ${JSON.stringify(v.type)}` };
  const sync = v.type === 'SYNC_START' || v.type === 'SYNC_END';
  if (!sync && (typeof v.object !== 'object' || v.object === null)) return { error: `${v.type} without an object` };
  return {
    t: v.t,
    event: (sync ? { kind: v.kind, type: v.type } : { kind: v.kind, type: v.type, object: v.object }) as SourceEvent,
  };
}

export class RecordingSource implements Source {
  readonly name = 'recording';
  private readonly o: RecordingSourceOptions;
  private readonly log: Logger;
  private abort = new AbortController();
  private done: Promise<void> | undefined;

  constructor(o: RecordingSourceOptions) {
    this.o = o;
    this.log = o.log.child({ module: 'recording' });
  }

  async start(listener: SourceListener): Promise<void> {
    this.abort = new AbortController();
    // Opened here so that a missing file fails the start with a clear error.
    const stream = createReadStream(this.o.file, { encoding: 'utf8' });
    await once(stream, 'open');
    this.done = this.play(stream, listener).catch((err) => {
      if (!this.abort.signal.aborted) this.log.error({ err, file: this.o.file }, 'recording failed');
    });
  }

  private async play(stream: NodeJS.ReadableStream, listener: SourceListener): Promise<void> {
    const { speed } = this.o;
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    const startedAt = performance.now();
    let n = 0;
    let events = 0;
    let invalid = 0;
    for await (const line of lines) {
      if (this.abort.signal.aborted) break;
      n++;
      if (n === 1 && line.includes('"kubeblink":"recording"')) continue;
      if (line.trim() === '') continue;
      const parsed = parseRecordedLine(line);
      if ('error' in parsed) {
        invalid++;
        if (invalid <= 10) this.log.warn({ file: this.o.file, line: n, error: parsed.error }, 'recording line skipped');
        continue;
      }
      if (speed > 0) {
        const due = parsed.t / speed - (performance.now() - startedAt);
        if (due > 1) await sleep(due, undefined, { signal: this.abort.signal }).catch(() => {});
        if (this.abort.signal.aborted) break;
      }
      events++;
      listener(parsed.event);
    }
    lines.close();
    if (!this.abort.signal.aborted) {
      this.log.info({ events, invalid }, 'recording played to its end');
      this.o.onEnd?.({ events, invalid });
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

/** Writes SourceEvents to a recording file as they come. */
export class RecordingWriter {
  private readonly out: WriteStream;
  private readonly t0 = performance.now();
  count = 0;

  constructor(file: string, header: Record<string, unknown> = {}) {
    this.out = createWriteStream(file, { encoding: 'utf8' });
    this.out.write(`${JSON.stringify({ ...RECORDING_FORMAT, recordedAt: new Date().toISOString(), ...header })}\n`);
  }

  write(e: SourceEvent): void {
    this.count++;
    const t = Math.round(performance.now() - this.t0);
    this.out.write(`${JSON.stringify({ t, ...e })}\n`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
