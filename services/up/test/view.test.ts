// The combined picture of `kubeblink up`, from given LED levels: exact lines without colour.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BoardView, boardLines, ledGlyph, renderView, type ViewModel } from '../src/view.ts';

const talkLeds = (slot: number, levels: number[]) =>
  ['online', 'request', 'livenessOk', 'livenessFail', 'readinessOk', 'readinessFail'].map((role, k) => ({
    slot,
    role,
    color: role.endsWith('Fail') ? 'red' : 'green',
    level: levels[k] ?? 0,
  }));

const worker: BoardView = {
  node: 'pi3-worker-1',
  nodeStatus: 'Ready',
  stale: false,
  slots: [
    { index: 0, pod: { namespace: 'default', name: 'web-1', status: 'Running', ready: '1/1', restarts: 2 } },
    { index: 1, pod: null },
  ],
  overflow: 0,
  leds: [
    { slot: null, role: 'status', color: 'white', level: 1 },
    ...talkLeds(0, [1, 0.3, 1, 0, 0.8, 0]),
    ...talkLeds(1, [0, 0, 0, 0, 0, 0]),
  ],
};

describe('the combined view', () => {
  it('draws a talk board: node, state, status LED, each slot with its LEDs and pod', () => {
    assert.deepEqual(boardLines(worker, { color: false, width: 120 }), [
      'pi3-worker-1  Ready  ●',
      '   0 ● on  ◐ req  ● live+  ○ live-  ● ready+  ○ ready-  Running  1/1  2 restarts  web-1',
      '   1 ○ on  ○ req  ○ live+  ○ live-  ○ ready+  ○ ready-  (free)',
    ]);
  });

  it('draws a compact board without role labels, a not-ready node, a stale picture and overflow', () => {
    const compact: BoardView = {
      node: 'pi4-master',
      nodeStatus: 'NotReady',
      stale: true,
      slots: [
        { index: 0, pod: { namespace: 'demo', name: 'db-0', status: 'CrashLoopBackOff', ready: '0/1', restarts: 1 } },
        { index: 1, pod: null },
      ],
      overflow: 3,
      leds: [
        { slot: 0, role: 'state', color: 'green', level: 0.04 },
        { slot: 1, role: 'state', color: 'green', level: 0 },
      ],
    };
    assert.deepEqual(boardLines(compact, { color: false, width: 100 }), [
      'pi4-master  NotReady  (stale: last known picture)',
      '   0 ○  CrashLoopBackOff  0/1  1 restart  demo/db-0',
      '   1 ○  (free)',
      '     + 3 more pods than slots',
    ]);
  });

  it('on a narrow terminal: no role labels, long pod names lose their middle, no line wraps', () => {
    const long: BoardView = {
      ...worker,
      slots: [
        {
          index: 0,
          pod: {
            namespace: 'default',
            name: 'kubeblink-demo-app-fd85b485c-9g5dn',
            status: 'Running',
            ready: '1/1',
            restarts: 0,
          },
        },
        { index: 1, pod: null },
      ],
    };
    const lines = boardLines(long, { color: false, width: 44 });
    assert.deepEqual(lines, [
      'pi3-worker-1  Ready  ●',
      '   0 ● ◐ ● ○ ● ○  Running  1/1  kubeb…-9g5dn',
      '   1 ○ ○ ○ ○ ○ ○  (free)',
    ]);
    for (const l of lines) assert.ok(l.length <= 44, l);
    assert.equal(
      boardLines(long, { color: false, width: 80 })[1],
      '   0 ● ◐ ● ○ ● ○  Running  1/1  kubeblink-demo-app-fd85b485c-9g5dn',
    );
  });

  it('puts title, progress, every board, the event tail and the footer together', () => {
    const m: ViewModel = {
      title: 'kubeblink up · simulated cluster, 1 nodes',
      notice: 'a notice',
      clusterStatus: 'ready',
      phase: 'deploying the demo app',
      boards: [worker],
      events: ['e1', 'e2', 'e3', 'e4'],
      footer: ['Ctrl-C stops everything up started'],
    };
    assert.deepEqual(renderView(m, { color: false, width: 120, eventLines: 3 }), [
      'kubeblink up · simulated cluster, 1 nodes  ·  cluster ready',
      'a notice',
      '» deploying the demo app',
      '',
      ...boardLines(worker, { color: false, width: 120 }),
      '',
      'recent events',
      '  e2',
      '  e3',
      '  e4',
      'Ctrl-C stops everything up started',
    ]);
  });

  it('names the LEDs of a slot once when the labels do not fit', () => {
    const m: ViewModel = { title: 't', clusterStatus: null, phase: '', boards: [worker], events: [], footer: [] };
    assert.deepEqual(renderView(m, { color: false, width: 80, eventLines: 0 }).slice(0, 3), [
      't  ·  cluster unknown',
      'LEDs of a slot: on req live+ live- ready+ ready-',
      '',
    ]);
  });

  it('colours an LED by its colour and brightness (a dark one stays a dim dot)', () => {
    assert.equal(ledGlyph({ slot: 0, role: 'online', color: 'green', level: 1 }, true), '\x1b[38;2;40;230;60m●\x1b[0m');
    assert.equal(ledGlyph({ slot: 0, role: 'online', color: 'red', level: 0 }, true), '\x1b[38;2;31;5;5m●\x1b[0m');
  });
});
