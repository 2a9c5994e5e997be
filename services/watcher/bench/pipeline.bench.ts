// Pipeline throughput on a recorded watch stream, as a ratio to bare JSON.parse of the same bytes
// (measured in the same run). The stream: real pod objects saved from the simulated cluster
// (test/fixtures/real-objects.json) replayed as a rollout of many pods — added, scheduled, running,
// ready, terminating, deleted — in the recording format of `kubeblink record`.
// Figures: (a) parse + derive + diff + outbox (the watcher's own work per watch event);
// (b) (a) plus the schema validation the bus client does before publishing each state and event.
import { readFileSync } from 'node:fs';
import { validateMessage } from '@kubeblink/schemas';
import type { Pod } from '../src/derive/kube-types.ts';
import { ClusterState } from '../src/diff/cluster-state.ts';
import { Outbox } from '../src/publish/outbox.ts';
import { parseRecordedLine } from '../src/source/recording.ts';

const PODS = Number(process.env.BENCH_PODS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

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

function pipeline(lines: string[], validate: boolean): number {
  const store = new ClusterState({ cluster: 'default', now: () => new Date() });
  const outbox = new Outbox(10_000);
  let produced = 0;
  for (let i = 1; i < lines.length; i++) {
    const parsed = parseRecordedLine(lines[i] as string);
    if ('error' in parsed) throw new Error(parsed.error);
    for (const c of store.apply(parsed.event)) {
      produced++;
      if (c.kind === 'event') {
        if (validate && !validateMessage('clusterEvent', c.event).ok) throw new Error('invalid event');
        outbox.putEvent({ node: c.node, event: c.event });
      } else {
        if (validate && c.state && !validateMessage(c.kind, c.state).ok) throw new Error('invalid state');
        outbox.putState(`${c.node}/${c.kind === 'podState' ? `${c.namespace}/${c.pod}` : ''}`, c as never);
      }
    }
    if (outbox.stateCount > 5000) outbox.takeStates();
  }
  return produced;
}

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const lines = buildStream();
const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
// The machine is shared and busy: the three are measured interleaved, round after round, and each
// keeps its best round, so that a burst of load elsewhere hits them alike.
const baseline = () => {
  for (let i = 1; i < lines.length; i++) JSON.parse(lines[i] as string);
};
let produced = 0;
const runs = [baseline, () => (produced = pipeline(lines, false)), () => pipeline(lines, true)];
const bests = runs.map(() => Number.POSITIVE_INFINITY);
for (const fn of runs) fn(); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  runs.forEach((fn, i) => {
    (globalThis as { gc?: () => void }).gc?.();
    bests[i] = Math.min(bests[i] as number, time(fn));
  });
}
const [parseMs, pipeMs, validMs] = bests as [number, number, number];
const mb = bytes / 1e6;
const events = lines.length - 1;
console.log(
  `recorded stream: ${events} watch events, ${mb.toFixed(1)} MB (${PODS} pods x 6), ${produced} states/events produced`,
);
console.log(
  `baseline JSON.parse:                 ${(mb / (parseMs / 1000)).toFixed(1)} MB/s  ${Math.round(events / (parseMs / 1000))} events/s`,
);
console.log(
  `(a) parse+derive+diff+outbox:        ${(mb / (pipeMs / 1000)).toFixed(1)} MB/s  ${Math.round(events / (pipeMs / 1000))} events/s  ratio ${(parseMs / pipeMs).toFixed(2)}x (aim >= 0.5x)`,
);
console.log(
  `(b) (a) + schema validation (Ajv):   ${(mb / (validMs / 1000)).toFixed(1)} MB/s  ${Math.round(events / (validMs / 1000))} events/s  ratio ${(parseMs / validMs).toFixed(2)}x`,
);
