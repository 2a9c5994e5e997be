// Pipeline throughput on a recorded watch stream, as a ratio to bare JSON.parse of the same bytes
// (measured in the same run). The stream: real pod objects saved from the simulated cluster
// (test/fixtures/real-objects.json) replayed as a rollout of many pods — added, scheduled, running,
// ready, terminating, deleted — in the recording format of `kubeblink record`.
// Figures: (a) parse + derive + diff + outbox (the watcher's own work per watch event);
// (b) (a) plus the schema validation the bus client does before publishing each state and event.
import { readFileSync } from 'node:fs';
import { buildTopic } from '@kubeblink/core';
import { type MessageSchemaName, validateMessage } from '@kubeblink/schemas';
import type { Pod } from '../src/derive/kube-types.ts';
import { ClusterState } from '../src/diff/cluster-state.ts';
import { Outbox } from '../src/publish/outbox.ts';
import { parseRecordedLine } from '../src/source/recording.ts';

const PODS = Number(process.env.BENCH_PODS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/real-objects.json', import.meta.url), 'utf8'));
const template = fixture.pods.find((p: Pod) => p.metadata?.name === 'running-ready') as Pod;
const clone = (p: Pod): Pod => structuredClone(p);

function buildStream(): string[] {
  const lines: string[] = [JSON.stringify({ kubeblink: 'recording', version: 1 })];
  let rv = 1000;
  let t = 0;
  const line = (type: string, object?: Pod) =>
    lines.push(JSON.stringify({ t: t++, kind: 'pods', type, ...(object ? { object } : {}) }));
  line('SYNC_START');
  line('SYNC_END');
  for (let i = 0; i < PODS; i++) {
    const base = clone(template);
    const meta = base.metadata!;
    meta.name = `web-7d9c5b6f4-${i.toString(36).padStart(5, '0')}`;
    meta.uid = `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`;
    meta.labels = { ...meta.labels, app: 'web', 'pod-template-hash': '7d9c5b6f4' };
    const stage = (f: (p: Pod) => void, type = 'MODIFIED') => {
      const p = clone(base);
      p.metadata!.resourceVersion = String(rv++);
      f(p);
      line(type, p);
    };
    stage((p) => {
      delete p.spec!.nodeName;
      p.status = { phase: 'Pending' };
    }, 'ADDED');
    stage((p) => {
      p.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] };
    });
    stage((p) => {
      p.status!.conditions = p.status!.conditions?.filter((c) => c.type !== 'Ready');
      for (const c of p.status!.containerStatuses ?? []) c.ready = false;
    });
    stage(() => {});
    stage((p) => {
      p.metadata!.deletionTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    });
    stage(() => {}, 'DELETED');
  }
  return lines;
}

/**
 * The watcher's work on a stream, in steps so that it can be interleaved with the baseline: (a) parse,
 * derive, diff, outbox; with `encode`, also what the bus client does with each message before MQTT.js
 * gets it: the topic, the schema check of the payload, the JSON encoding.
 */
function pipeline(encode: boolean) {
  const store = new ClusterState({ cluster: 'default', now: () => new Date() });
  const outbox = new Outbox(10_000);
  let produced = 0;
  let bytesOut = 0;
  const send = (parts: Parameters<typeof buildTopic>[0], schema: MessageSchemaName, payload: object | null) => {
    const topic = buildTopic(parts);
    if (payload !== null && !validateMessage(schema, payload).ok) throw new Error(`invalid ${schema}`);
    bytesOut += topic.length + (payload === null ? 0 : JSON.stringify(payload).length);
  };
  return {
    run(from: number, to: number): void {
      for (let i = from; i < to; i++) {
        const parsed = parseRecordedLine(lines[i] as string);
        if ('error' in parsed) throw new Error(parsed.error);
        for (const c of store.apply(parsed.event)) {
          produced++;
          if (c.kind === 'event') {
            if (encode) send({ kind: 'nodeEvents', cluster: 'default', node: c.node }, 'clusterEvent', c.event);
            outbox.putEvent({ node: c.node, event: c.event });
          } else {
            if (encode && c.kind === 'podState') {
              const { node, namespace, pod } = c;
              send({ kind: 'podState', cluster: 'default', node, namespace, pod }, 'podState', c.state);
            } else if (encode && c.kind === 'nodeState') {
              send({ kind: 'nodeState', cluster: 'default', node: c.node }, 'nodeState', c.state);
            }
            outbox.putState(`${c.node}/${c.kind === 'podState' ? `${c.namespace}/${c.pod}` : ''}`, c as never);
          }
        }
        if (outbox.stateCount > 5000) outbox.takeStates();
        if (outbox.eventCount > 5000) outbox.takeEvents();
      }
    },
    get produced() {
      return produced;
    },
    get bytesOut() {
      return bytesOut;
    },
  };
}

const lines = buildStream();
if (process.env.WM_DUMP) (await import('node:fs')).writeFileSync(process.env.WM_DUMP, JSON.stringify(lines));
const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
const events = lines.length - 1;
// The machine is shared and busy: the baseline and the two pipelines are measured interleaved, chunk
// by chunk of the stream (each chunk several young-generation collections long), so that a burst of
// load elsewhere hits them alike. Each round gives one ratio; the median and the range are reported.
const CHUNK = 2000;
function round(): { parseMs: number; aMs: number; bMs: number; produced: number; bytesOut: number } {
  const a = pipeline(false);
  const b = pipeline(true);
  let parseMs = 0;
  let aMs = 0;
  let bMs = 0;
  for (let from = 1; from < lines.length; from += CHUNK) {
    const to = Math.min(lines.length, from + CHUNK);
    let t0 = performance.now();
    for (let i = from; i < to; i++) JSON.parse(lines[i] as string);
    parseMs += performance.now() - t0;
    t0 = performance.now();
    a.run(from, to);
    aMs += performance.now() - t0;
    t0 = performance.now();
    b.run(from, to);
    bMs += performance.now() - t0;
  }
  return { parseMs, aMs, bMs, produced: a.produced, bytesOut: b.bytesOut };
}

round(); // warm-up
const rounds = Array.from({ length: ROUNDS }, () => {
  (globalThis as { gc?: () => void }).gc?.();
  return round();
});
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
const ratios = (f: (r: (typeof rounds)[number]) => number) => {
  const xs = rounds.map(f);
  return `ratio ${median(xs).toFixed(2)}x (range ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
};
const best = (f: (r: (typeof rounds)[number]) => number) => Math.min(...rounds.map(f));
const mb = bytes / 1e6;
const rate = (ms: number) =>
  `${(mb / (ms / 1000)).toFixed(1).padStart(6)} MB/s ${String(Math.round(events / (ms / 1000))).padStart(7)} events/s`;
console.log(
  `recorded stream: ${events} watch events, ${mb.toFixed(1)} MB (${PODS} pods x 6), ${rounds[0]?.produced} states/events produced; ${ROUNDS} rounds`,
);
console.log(`baseline JSON.parse:                         ${rate(best((r) => r.parseMs))}`);
console.log(
  `(a) parse+derive+diff+outbox:                ${rate(best((r) => r.aMs))}  ${ratios((r) => r.parseMs / r.aMs)} (aim >= 0.5x)`,
);
console.log(
  `(b) (a) + topic, schema check, JSON encode:  ${rate(best((r) => r.bMs))}  ${ratios((r) => r.parseMs / r.bMs)}`,
);
