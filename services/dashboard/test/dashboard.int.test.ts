// The dashboard in Debian's headless Chromium (driven by playwright-core) against a real broker over
// WebSocket: it connects with read-only credentials, draws every node's breadboard as the LED engine
// computes it for the same inputs, keeps an event log with a filter, shows details on click, and an
// hour of events at 20 per second (accelerated) leaves its JS heap small.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { loadSettings } from '@kubeblink/core';
import { BUILTIN_LAYOUTS, LedEngine } from '@kubeblink/led-engine';
import type { PodState } from '@kubeblink/schemas';
import { FakeWatcher, nodeEvent, nodeState, podEvent, podState } from '@kubeblink/test/support/cluster-fixtures';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { CHROMIUM, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createDashboard } from '../src/main.ts';

const ARTIFACTS = new URL('../../../test-artifacts/', import.meta.url);
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--js-flags=--expose-gc',
];

const N1 = 'pi3-worker-1';
const N2 = 'pi3-worker-2';
const pods: PodState[] = [
  podState('demo', 'web-1', N1),
  podState('demo', 'web-2', N1, { status: 'ContainerCreating', phase: 'Pending', ready: '0/1', podReady: false }),
  podState('demo', 'db-0', N2, { status: 'CrashLoopBackOff', ready: '0/1', podReady: false, restarts: 4 }),
];

/** What the page draws for one node: LED id -> pattern and level, read from the DOM. */
async function drawn(page: Page, node: string) {
  return page.$$eval(`[data-node="${node}"] circle[data-led]`, (cs) =>
    cs.map((c) => ({
      id: (c as SVGElement).dataset.led ?? '',
      pattern: (c as SVGElement).dataset.pattern ?? '',
      level: Number((c as SVGElement).dataset.level ?? 'NaN'),
    })),
  );
}

/** The same engine in Node, fed the same states: the reference picture (what GET /leds would show). */
function reference(node: string, states: PodState[], t: number) {
  const engine = new LedEngine({ layout: BUILTIN_LAYOUTS.compact, node });
  engine.setConnected(true, 0);
  engine.setClusterStatus('ready', 0);
  engine.setNodeState(nodeState(node), 0);
  for (const p of states.filter((s) => s.node === node)) engine.setPod(p, 0);
  return engine.snapshot(t);
}

describe('dashboard in headless Chromium', { skip: needTool(CHROMIUM) }, () => {
  const broker = new PlainBroker({ ws: true });
  let watcher: FakeWatcher;
  let browser: Browser;
  let page: Page;
  let dashboard: ReturnType<typeof createDashboard>;
  const pageErrors: string[] = [];

  before(async () => {
    await broker.start();
    broker.aedes!.authenticate = (_c, username, password, done) =>
      done(null, username === 'watcher' || (username === 'display' && password?.toString() === 'd-secret'));
    // Read-only: the page's user may subscribe, never publish.
    broker.aedes!.authorizePublish = (client, _packet, done) =>
      done(client?.id.startsWith('fake-watcher') ? null : new Error('read-only'));
    watcher = await FakeWatcher.connect(broker.url, 'c', { username: 'watcher' });
    await watcher.status('ready');
    await watcher.node(N1, nodeState(N1));
    await watcher.node(N2, nodeState(N2));
    for (const p of pods) await watcher.pod(p.node, p.namespace, p.name, p);
    const settings = loadSettings('dashboardSettings', {
      flags: { broker: broker.wsUrl, cluster: 'c', username: 'display', password: 'd-secret', httpPort: 0 },
      env: {},
    });
    dashboard = createDashboard({ ...settings, httpHost: '127.0.0.1', logLevel: 'warn' });
    await dashboard.controller.start();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`http://127.0.0.1:${dashboard.http.port}/?layout=compact`);
  });

  after(async () => {
    await browser?.close();
    await dashboard?.controller.stop();
    await watcher?.close();
    await broker.stop();
  });

  it('connects and draws each node as the LED engine computes it', async () => {
    await until(() => page.$(`[data-node="${N2}"] circle[data-pattern]`), 'both boards drawn', 30_000);
    assert.equal(await page.textContent('#status'), 'ready');
    for (const node of [N1, N2]) {
      const ref = reference(node, pods, 10_000);
      await until(
        async () => {
          const d = await drawn(page, node);
          return (
            d.length === ref.leds.length &&
            d.every((l, i) => l.id === ref.leds[i]?.id && l.pattern === ref.leds[i]?.pattern)
          );
        },
        `${node}'s LEDs to show the reference patterns ${JSON.stringify(ref.leds.map((l) => l.pattern))}`,
      );
      // Steady and dark LEDs have one level at any time: it must be exactly the engine's.
      const constant = ref.leds.filter((l) => l.pattern === 'steady' || l.pattern === 'off');
      const d = await drawn(page, node);
      for (const l of constant) assert.equal(d.find((x) => x.id === l.id)?.level, l.level, `${node} ${l.id}`);
      assert.ok(constant.length > 0);
    }
    assert.deepEqual(pageErrors, []);
  });

  it('follows changes, logs events with a filter, and shows details on click', async () => {
    const web2 = { ...pods[1]!, status: 'Running', phase: 'Running' as const, ready: '1/1', podReady: true };
    await watcher.pod(N1, 'demo', 'web-2', web2);
    await watcher.event(podEvent('io.kubeblink.pod.ready', web2));
    await watcher.event(nodeEvent('io.kubeblink.node.notready', nodeState(N2, { status: 'NotReady', ready: 'False' })));
    await watcher.node(N2, nodeState(N2, { status: 'NotReady', ready: 'False', resourceVersion: '2' }));
    const ref = reference(N1, [pods[0]!, web2], 10_000);
    await until(async () => {
      const d = await drawn(page, N1);
      return d.every((l, i) => l.pattern === ref.leds[i]?.pattern);
    }, 'web-2 to show as running and ready');
    await until(async () => (await page.$$('#log li')).length === 2, 'two log entries');
    assert.deepEqual(await page.$$eval('#log li', (lis) => lis.map((li) => li.textContent?.replace(/^[^a-z]+/, ''))), [
      `node.notready ${N2}`,
      `pod.ready demo/web-2 on ${N1}`,
    ]);
    await page.fill('#filter', 'web-2');
    assert.deepEqual(await page.$$eval('#log li:not([hidden])', (lis) => lis.length), 1);
    await page.fill('#filter', '');
    await page.click(`[data-node="${N2}"] svg`, { position: { x: 30, y: 30 } });
    await until(() => page.isVisible('#details'), 'details');
    assert.match((await page.textContent('#details')) ?? '', /node pi3-worker-2.*statusNotReady/s);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('dashboard.png', ARTIFACTS).pathname });
    assert.deepEqual(pageErrors, []);
  });

  it('an hour of events at 20 per second (accelerated) leaves the JS heap under 50 MB', async () => {
    const cdp = await page.context().newCDPSession(page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const received = () =>
      page.evaluate(
        () =>
          (window as unknown as { kubeblink: { kit: { stats: { received: number } } } }).kubeblink.kit.stats.received,
      );
    const before = await heap();
    const start = await received();
    const total = 20 * 3600;
    const base = Date.parse('2026-11-29T06:00:00Z');
    for (let i = 0; i < total; i++) {
      const p = pods[i % pods.length]!;
      const at = new Date(base + i * 50).toISOString();
      const e = podEvent(
        i % 2 ? 'io.kubeblink.pod.ready' : 'io.kubeblink.pod.unready',
        { ...p, resourceVersion: String(100 + i) },
        {},
        at,
      );
      const topic = `kubeblink/c/nodes/${p.node}/events`;
      // QoS 0 and no waiting per message: the accelerated hour is as fast as the broker forwards it.
      void watcher.rawQos0(topic, JSON.stringify(e));
      if (i % 500 === 499)
        await until(async () => (await received()) - start >= i - 1000, 'the page to keep up', 60_000);
    }
    await until(async () => (await received()) - start >= total, `all ${total} events`, 120_000);
    const afterHour = await heap();
    console.log(
      `dashboard heap: ${(before / 1e6).toFixed(1)} MB before, ${(afterHour / 1e6).toFixed(1)} MB after ${total} events (x${(afterHour / before).toFixed(2)})`,
    );
    assert.ok(afterHour < 50e6, `heap ${afterHour} bytes`);
    assert.equal(await page.$$eval('#log li', (lis) => lis.length), 200, 'the log keeps its last 200 rows');
    assert.deepEqual(pageErrors, []);
  });
});
