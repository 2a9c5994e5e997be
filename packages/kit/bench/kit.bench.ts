// Subscriber kit benchmark: what validation and the live model cost per message. The same encoded
// messages (pod states and pod events of a 3-node cluster) go through
//   baseline: TextDecoder + JSON.parse only (what any subscriber must do at least), and
//   kit:      decodeMessage (topic contract, size cap, Ajv schema check, topic/payload consistency)
//             + Subscriber.handle (model update or event routing to a handler),
// in the same run; the figure that matters is the ratio, not the absolute rate of this machine.
// The 600 messages repeat, so after the first round events are dropped as duplicates by id (after
// validation): the handler cost is left out, a real handler's own cost comes on top.
import { decodeMessage } from '@kubeblink/core/decode';
import { buildTopic } from '@kubeblink/core/topics';
import { podEvent, podState } from '@kubeblink/test/support/cluster-fixtures';
import { Subscriber } from '../src/subscriber.ts';

const N = Number(process.env.KIT_BENCH_MESSAGES ?? 60_000);
const enc = new TextEncoder();
const messages: { topic: string; payload: Uint8Array }[] = [];
for (let i = 0; i < 300; i++) {
  const node = `pi3-worker-${i % 3}`;
  const p = podState('demo', `web-${i}`, node, { resourceVersion: String(i), restarts: i % 4 });
  messages.push({
    topic: buildTopic({ kind: 'podState', cluster: 'c', node, namespace: 'demo', pod: p.name }),
    payload: enc.encode(JSON.stringify(p)),
  });
  const e = podEvent(i % 2 ? 'io.kubeblink.pod.ready' : 'io.kubeblink.pod.started', p);
  messages.push({
    topic: buildTopic({ kind: 'nodeEvents', cluster: 'c', node }),
    payload: enc.encode(JSON.stringify(e)),
  });
}

function run(label: string, each: (m: { topic: string; payload: Uint8Array }, i: number) => void): number {
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) each(messages[i % messages.length]!, i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = N / seconds;
  console.log(`${label.padEnd(10)} ${Math.round(rate).toLocaleString('en')} messages/s`);
  return rate;
}

const utf8 = new TextDecoder();
let sink = 0;
const baseline = () =>
  run('baseline', (m) => {
    sink += (JSON.parse(utf8.decode(m.payload)) as { name?: string }).name ? 1 : 0;
  });
const sub = new Subscriber({ cluster: 'c' });
let events = 0;
sub.on('*', () => {
  events++;
});
const kit = () =>
  run('kit', (m, i) => {
    const d = decodeMessage(m.topic, m.payload, i % 2 === 0);
    if (d.ok) sub.handle(d.message);
  });

// Warm up both paths (JIT, Ajv's compiled validators), then measure each twice, interleaved.
baseline();
kit();
const b = Math.max(baseline(), baseline());
const k = Math.max(kit(), kit());
console.log(
  `kit / baseline: ${(k / b).toFixed(3)} (the kit handles ${(k / b) * 100 > 1 ? ((k / b) * 100).toFixed(1) : '<1'}% of the baseline rate)`,
);
console.log(
  `model: ${sub.model.pods().length} pods; ${events} events routed; ${sub.router.duplicates} duplicates dropped; sink ${sink}`,
);
