// Benchmark helper: publishes `rate` messages a second for `seconds` over a real MQTT connection, in
// its own process: 90 % app request signals spread over the ready pods, 10 % watcher events (one
// restart a second, the rest `ready` events that change no LED). Prints how many it sent.
import { BusClient, createRegistry, silentLogger } from '@kubeblink/core';
import type { PodState } from '@kubeblink/schemas';
import { podEvent, signal } from '../../../packages/led-engine/test/fixtures.ts';

const [url, rateArg, secondsArg, podsJson] = process.argv.slice(2) as [string, string, string, string];
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const pods = JSON.parse(podsJson) as PodState[];
// admin: one connection may publish both as the watcher and as every app (the plain broker has no ACL).
const bus = new BusClient({
  url,
  cluster: 'c',
  instance: `load-${process.pid}`,
  identity: { kind: 'service', service: 'bench-load' },
  role: 'admin',
  log: silentLogger(),
  registry: createRegistry('load', false),
});
await bus.start();
await new Promise<void>((resolve) => bus.onConnect(() => resolve()));
const node = { cluster: 'c', node: 'pi1' };
let sent = 0;
const start = performance.now();
const total = rate * seconds;
while (sent < total) {
  // Keep to the schedule: message i goes out at start + i / rate.
  const due = start + (sent * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  const p = pods[sent % pods.length] as PodState;
  if (sent % 10 === 9) {
    const what = sent % (rate as number) === 9 ? 'restarted' : 'ready';
    const extra = what === 'restarted' ? { container: 'app', reason: 'Error', exitCode: 1, restartCount: 1 } : {};
    void bus.publish({ kind: 'nodeEvents', ...node }, podEvent(p, what, extra) as never);
  } else {
    void bus.publish(
      { kind: 'podSignals', ...node, namespace: p.namespace, pod: p.name },
      signal(p, 'request') as never,
    );
  }
  sent++;
}
await bus.stop();
process.stdout.write(`${sent}\n`);
