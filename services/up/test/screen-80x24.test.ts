// Issue 14: `npm start`'s picture in an 80×24 terminal — the whole frame as `up` draws it (three
// boards of the simulated cluster, the event tail, the next steps), exact lines: pod names kept,
// no line over 80 columns, no more than 23 rows, and the next steps copy-paste commands that work.
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { nextSteps, type StepsInput } from '../src/steps.ts';
import { type BoardView, renderView, type ViewModel } from '../src/view.ts';

const roles = ['online', 'request', 'livenessOk', 'livenessFail', 'readinessOk', 'readinessFail'];
const board = (node: string, pod: string): BoardView => ({
  node,
  nodeStatus: 'Ready',
  stale: false,
  slots: [
    { index: 0, pod: { namespace: 'default', name: pod, status: 'Running', ready: '1/1', restarts: 0 } },
    { index: 1, pod: null },
  ],
  overflow: 0,
  leds: [
    { slot: null, role: 'status', color: 'white', level: 1 },
    ...[0, 1].flatMap((slot) => roles.map((role) => ({ slot, role, color: 'green', level: slot === 0 ? 1 : 0 }))),
  ],
});

const home = homedir();
const sim: StepsInput = {
  description: 'simulated cluster, 3 nodes',
  broker: 'mqtt://127.0.0.1:1883',
  wsUrl: 'ws://127.0.0.1:9001',
  portNote: '',
  kubectl: {
    kubeconfig: join(home, '.local/state/kubeblink/sim/kubeconfig'),
    bin: join(home, '.cache/kubeblink/bin-e7bcb79d330f/kubectl'),
    discovered: true,
  },
  leds: 'http://127.0.0.1:9100/leds',
  logFile: join(home, '.local/state/kubeblink/up.log'),
  warnings: [],
};

const pods = [
  'kubeblink-demo-app-fd85b485c-7gnlz',
  'kubeblink-demo-app-fd85b485c-t7dzj',
  'kubeblink-demo-app-fd85b485c-9zv68',
];
const model: ViewModel = {
  title: 'kubeblink up · simulated cluster, 3 nodes',
  clusterStatus: 'ready',
  phase: '',
  boards: ['pi4-master', 'pi3-worker-1', 'pi3-worker-2'].map((n, k) => board(n, pods[k] ?? '')),
  events: pods.map((p, k) => `12:04:5${k}  pod.ready        ${p} on pi3-worker-${k}  Running`),
  footer: [
    ...nextSteps(sim, { short: true }),
    'first LED after 7.9 s · 69 requests · Ctrl-C stops everything up started',
  ],
};

describe('the picture at 80×24', () => {
  const lines = renderView(model, { color: false, width: 80, eventLines: 6, height: 23 });

  it('fits: 23 rows at most (the last stays free), 80 columns at most', () => {
    assert.ok(lines.length <= 23, `${lines.length} rows:\n${lines.join('\n')}`);
    for (const l of lines) assert.ok([...l].length <= 80, `${[...l].length} columns: ${l}`);
  });

  it('keeps every pod name and ends with the exact next steps', () => {
    for (const p of pods)
      assert.ok(
        lines.some((l) => l.endsWith(`Running  1/1  ${p}`)),
        p,
      );
    assert.deepEqual(lines.slice(-5), [
      "bus: mosquitto_sub -h 127.0.0.1 -p 1883 -v -t 'kubeblink/#'",
      'kubectl: npx kubeblink sim kubectl get pods -o wide',
      'demos: npx kubeblink demo --list · dashboard: npx kubeblink dashboard',
      'log: ~/.local/state/kubeblink/up.log',
      'first LED after 7.9 s · 69 requests · Ctrl-C stops everything up started',
    ]);
  });

  it('the event tail gives way first: as many events as fit between the boards and the steps', () => {
    const events = lines.slice(lines.indexOf('recent events') + 1, -5);
    assert.equal(lines.length, 23);
    assert.deepEqual(events, [
      '  12:04:51  pod.ready        kubeblink-demo-app-fd85b485c-t7dzj on pi3-worker-1…',
      '  12:04:52  pod.ready        kubeblink-demo-app-fd85b485c-9zv68 on pi3-worker-2…',
    ]);
    const short = renderView(model, { color: false, width: 80, eventLines: 6, height: 17 });
    assert.ok(!short.includes('recent events'), 'no room: no event tail, the steps stay');
    assert.deepEqual(short.slice(-5), lines.slice(-5));
  });
});
