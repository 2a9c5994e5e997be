// The acceptance check across services: after a scripted sequence of states and signals, the
// LEDs the dashboard draws for a node (in headless Chromium) match what the LED service reports on
// GET /leds for the same node: the same pattern on every LED, the same level wherever the pattern
// has a single level. Runs when the LED service (services/led, branch `led`) is in the tree.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort, loadSettings } from '@kubeblink/core';
import type { PodState } from '@kubeblink/schemas';
import { ChildLines } from '@kubeblink/test/support/child';
import { appSignal, FakeWatcher, nodeState, podState } from '@kubeblink/test/support/cluster-fixtures';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { CHROMIUM, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createDashboard } from '../src/main.ts';

const HAS_LED = existsSync(new URL('../../led/src/command.ts', import.meta.url));
const BIN = fileURLToPath(new URL('../../cli/bin/kubeblink.js', import.meta.url));
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SINGLE_LEVEL = new Set(['off', 'steady']);

type Led = { id: string; pattern: string; level: number };

describe('dashboard and LED service agree', {
  skip: (!HAS_LED && 'services/led is not in this tree (branch led)') || needTool(CHROMIUM),
}, () => {
  const broker = new PlainBroker({ ws: true });
  let watcher: FakeWatcher;
  let led: ChildLines;
  let ledPort: number;
  let browser: Browser;
  let page: Page;
  let dashboard: ReturnType<typeof createDashboard>;

  before(async () => {
    await broker.start();
    watcher = await FakeWatcher.connect(broker.url, 'c');
    await watcher.status('ready');
    await watcher.node('pi1', nodeState('pi1'));
    ledPort = await freePort();
    led = new ChildLines(process.execPath, [
      BIN,
      'led',
      '--broker',
      broker.url,
      '--cluster',
      'c',
      '--node',
      'pi1',
      '--board',
      'virtual',
      '--layout',
      'compact',
      '--http-host',
      '127.0.0.1',
      '--http-port',
      String(ledPort),
      '--log-level',
      'warn',
    ]);
    const settings = loadSettings('dashboardSettings', {
      flags: { broker: broker.wsUrl, cluster: 'c', httpPort: 0 },
      env: {},
    });
    dashboard = createDashboard({ ...settings, httpHost: '127.0.0.1', logLevel: 'warn' });
    await dashboard.controller.start();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`http://127.0.0.1:${dashboard.http.port}/?layout=compact&nodes=pi1`);
    await until(() => page.$('[data-node="pi1"]'), 'the pi1 board', 30_000);
    await until(
      async () => (await fetch(`http://127.0.0.1:${ledPort}/leds`).catch(() => null))?.ok,
      `the LED service (${led.stderr})`,
      60_000,
    );
  });

  after(async () => {
    await browser?.close();
    await dashboard?.controller.stop();
    await led?.stop();
    await watcher?.close();
    await broker.stop();
  });

  it('after states and signals, every LED shows the same pattern (and level where it has one)', async () => {
    const pods: PodState[] = [
      podState('demo', 'web-1', 'pi1'),
      podState('demo', 'web-2', 'pi1', {
        status: 'ContainerCreating',
        phase: 'Pending',
        ready: '0/1',
        podReady: false,
      }),
      podState('demo', 'web-3', 'pi1', { ready: '0/1', podReady: false }),
      podState('demo', 'db-0', 'pi1', { status: 'CrashLoopBackOff', ready: '0/1', podReady: false, restarts: 5 }),
      podState('demo', 'img-1', 'pi1', { status: 'ImagePullBackOff', phase: 'Pending', ready: '0/1', podReady: false }),
    ];
    for (const p of pods) await watcher.pod('pi1', p.namespace, p.name, p);
    for (let i = 0; i < 5; i++) await watcher.signal(appSignal('io.kubeblink.app.request', pods[0]!));
    await watcher.signal(appSignal('io.kubeblink.app.readiness', pods[2]!, { ok: false }));
    await watcher.pod('pi1', 'demo', 'web-2', null); // deleted
    // Both sides first hold the four remaining pods (web-2 was deleted), so the comparison is not of two empty boards.
    const want = ['db-0', 'img-1', 'web-1', 'web-3'];
    const held = (slots: { pod: { name: string } | null }[]) =>
      slots.flatMap((s) => (s.pod ? [s.pod.name] : [])).sort();
    await until(async () => {
      const res = (await (await fetch(`http://127.0.0.1:${ledPort}/leds`)).json()) as {
        slots: { pod: { name: string } | null }[];
      };
      return JSON.stringify(held(res.slots)) === JSON.stringify(want);
    }, 'the LED service to hold the pods');
    await until(async () => {
      const slots = await page.evaluate(
        () =>
          (window as unknown as { kubeblink: { snapshot(n: string): { slots: unknown[] } } }).kubeblink.snapshot('pi1')
            .slots,
      );
      return JSON.stringify(held(slots as { pod: { name: string } | null }[])) === JSON.stringify(want);
    }, 'the page to hold the pods');
    let last: { drawn: Led[]; leds: Led[] } | undefined;
    await until(
      async () => {
        const leds = ((await (await fetch(`http://127.0.0.1:${ledPort}/leds`)).json()) as { leds: Led[] }).leds;
        const drawn = await page.$$eval('[data-node="pi1"] circle[data-led]', (cs) =>
          cs.map((c) => ({
            id: (c as SVGElement).dataset.led ?? '',
            pattern: (c as SVGElement).dataset.pattern ?? '',
            level: Number((c as SVGElement).dataset.level),
          })),
        );
        last = { drawn, leds };
        return (
          drawn.length === leds.length &&
          leds.every((l, i) => {
            const d = drawn[i]!;
            return d.id === l.id && d.pattern === l.pattern && (!SINGLE_LEVEL.has(l.pattern) || d.level === l.level);
          })
        );
      },
      'the drawn LEDs to match GET /leds',
      30_000,
    );
    const patterns = new Set(last!.leds.map((l) => l.pattern));
    assert.ok(patterns.size >= 3, `a varied picture: ${[...patterns]}`);
  });
});
