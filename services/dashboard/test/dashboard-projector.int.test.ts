// Issue 18 in headless Chromium against a real broker, through the dashboard's own /mqtt: at
// 1920x1080 and 1280x720 every board is inside the viewport and nothing overflows, the control plane
// first; the pods table shows kubectl's columns of the retained states; a restart event changes the
// caption and lights the pod's row; hovering a slot highlights its row.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSettings } from '@kubeblink/core';
import type { PodState } from '@kubeblink/schemas';
import { FakeWatcher, nodeState, podEvent, podState } from '@kubeblink/test/support/cluster-fixtures';
import { PlainBroker } from '@kubeblink/test/support/plain-broker';
import { until } from '@kubeblink/test/support/wait';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createDashboard } from '../src/main.ts';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync'];
const NODES = ['pi3-worker-1', 'pi3-worker-2', 'pi4-master'];
const pods: PodState[] = [
  podState('default', 'web-7d9c5b6f4-x2x9k', 'pi3-worker-1'),
  podState('default', 'web-7d9c5b6f4-9zv68', 'pi3-worker-2', {
    status: 'CrashLoopBackOff',
    ready: '0/1',
    podReady: false,
    restarts: 4,
    ip: '10.244.2.3',
    readinessGates: '0/1',
  }),
  podState('default', 'db-0', 'pi4-master', { nominatedNode: 'pi3-worker-1', ip: '10.244.0.9' }),
  podState('default', 'pending-0', null),
];

describe('dashboard on a projector', () => {
  const broker = new PlainBroker({ ws: true });
  let watcher: FakeWatcher;
  let browser: Browser;
  let page: Page;
  let dashboard: ReturnType<typeof createDashboard>;
  const errors: string[] = [];

  before(async () => {
    await broker.start();
    watcher = await FakeWatcher.connect(broker.url, 'c');
    await watcher.status('ready');
    for (const n of NODES) await watcher.node(n, nodeState(n, n === 'pi4-master' ? { roles: ['control-plane'] } : {}));
    for (const p of pods) await watcher.pod(p.node, p.namespace, p.name, p);
    const s = loadSettings('dashboardSettings', {
      flags: { upstream: broker.wsUrl, cluster: 'c', httpPort: 0 },
      env: {},
    });
    dashboard = createDashboard({ ...s, httpHost: '127.0.0.1', logLevel: 'warn' });
    await dashboard.controller.start();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(dashboard.url());
    await until(async () => (await page.$$('#pods-table tbody tr')).length === pods.length, 'the pods table');
  });

  after(async () => {
    await browser?.close();
    await dashboard?.controller.stop();
    await watcher?.close();
    await broker.stop();
  });

  for (const [width, height] of [
    [1920, 1080],
    [1280, 720],
  ] as const) {
    it(`at ${width}x${height}: every board inside the viewport, control plane first, no overflow`, async () => {
      await page.setViewportSize({ width, height });
      const boxes = await page.$$eval('.board', (bs) =>
        bs.map((b) => {
          const r = b.getBoundingClientRect();
          return { node: (b as HTMLElement).dataset.node, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
        }),
      );
      assert.deepEqual(
        boxes.map((b) => b.node),
        ['pi4-master', 'pi3-worker-1', 'pi3-worker-2'],
      );
      for (const b of boxes) {
        assert.ok(b.left >= 0 && b.top >= 0 && b.right <= width && b.bottom <= height, JSON.stringify(b));
        assert.ok(b.bottom - b.top > height / 4, `board ${b.node} too small: ${JSON.stringify(b)}`);
      }
      const doc = await page.evaluate(() => ({
        sw: document.documentElement.scrollWidth,
        sh: document.documentElement.scrollHeight,
      }));
      assert.ok(doc.sw <= width && doc.sh <= height, JSON.stringify(doc));
      // The pods table is not clipped: its last shown column ends inside its section.
      const fit = await page.$eval('#pods', (s) => {
        const shown = [...s.querySelectorAll('tbody tr:first-child td')].filter(
          (td) => getComputedStyle(td).display !== 'none',
        );
        return {
          cell: shown.at(-1)!.getBoundingClientRect().right,
          section: s.getBoundingClientRect().right,
          n: shown.length,
        };
      });
      assert.ok(fit.cell <= fit.section && fit.n >= 7, JSON.stringify(fit));
      await page.screenshot({
        path: new URL(`../../../test-artifacts/dashboard-${width}x${height}.png`, import.meta.url).pathname,
      });
    });
  }

  it("the pods table: kubectl get pods -o wide's columns of the retained states", async () => {
    const head = await page.$$eval('#pods-table th', (ths) => ths.map((t) => t.textContent));
    assert.deepEqual(head, [
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    const rows = await page.$$eval('#pods-table tbody tr', (trs) =>
      trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((c) => c.textContent ?? '')),
    );
    // AGE: the fixtures were created on 2026-11-29, days before any run: kubectl prints whole days.
    for (const r of rows) assert.match(r[4] ?? '', /^\d+d(\d+h)?$|^\d+y/);
    assert.deepEqual(
      rows.map((r) => [...r.slice(0, 4), ...r.slice(5)]),
      [
        ['db-0', '1/1', 'Running', '0', '10.244.0.9', 'pi4-master', 'pi3-worker-1', '<none>'],
        ['pending-0', '0/1', 'Pending', '0', '<none>', '<none>', '<none>', '<none>'],
        ['web-7d9c5b6f4-9zv68', '0/1', 'CrashLoopBackOff', '4', '10.244.2.3', 'pi3-worker-2', '<none>', '0/1'],
        ['web-7d9c5b6f4-x2x9k', '1/1', 'Running', '0', '10.244.1.7', 'pi3-worker-1', '<none>', '<none>'],
      ],
    );
    const nodes = await page.$$eval('#nodes-table tbody tr', (trs) =>
      trs
        .map((tr) => [...(tr as HTMLTableRowElement).cells].map((c) => c.textContent ?? ''))
        .map((r) => [r[0], r[1], r[2]]),
    );
    assert.deepEqual(nodes, [
      ['pi3-worker-1', 'Ready', '<none>'],
      ['pi3-worker-2', 'Ready', '<none>'],
      ['pi4-master', 'Ready', 'control-plane'],
    ]);
  });

  it('no page errors so far', () => assert.deepEqual(errors, []));

  it('each slot shows the unique part of its pod name, STATUS, READY and RESTARTS; the node state as a badge', async () => {
    const sel = '[data-node="pi3-worker-2"] .slot[data-pod="default/web-7d9c5b6f4-9zv68"]';
    await until(() => page.$(sel), 'the pod in its slot');
    const slot = await page.$eval('[data-node="pi3-worker-2"] .slot[data-pod="default/web-7d9c5b6f4-9zv68"]', (g) =>
      [...g.querySelectorAll('text')].map((t) => t.textContent),
    );
    assert.deepEqual(slot, ['9zv68', 'CrashLoopBackOff', '0/1 · ↻4']);
    assert.equal(await page.$eval('[data-node="pi4-master"]', (b) => (b as HTMLElement).dataset.badge), 'Ready');
  });

  it('a restart event changes the caption and lights the pod row; hovering a slot highlights its row', async () => {
    const p = { ...pods[0]!, restarts: 1, resourceVersion: '2' };
    await watcher.pod(p.node, p.namespace, p.name, p);
    await watcher.event(
      podEvent('io.kubeblink.pod.restarted', p, { container: 'app', restartCount: 1, exitCode: 1, reason: 'Error' }),
    );
    await until(
      async () =>
        (await page.textContent('#caption')) ===
        'web-7d9c5b6f4-x2x9k restarted: exit code 1 (Error) — the kubelet starts it again',
      'the restart caption',
    ).catch(async (err) => {
      console.log(
        'CAPTION',
        await page.textContent('#caption'),
        await page.$$eval('#log li', (l) => l.map((x) => x.textContent)),
      );
      throw err;
    });
    const row = 'tr[data-pod="default/web-7d9c5b6f4-x2x9k"]';
    await until(async () => (await page.getAttribute(row, 'class'))?.includes('changed'), 'the row to light');
    await page.hover('[data-node="pi3-worker-2"] .slot[data-pod="default/web-7d9c5b6f4-9zv68"] .slot-name');
    await until(
      async () => (await page.getAttribute('tr[data-pod="default/web-7d9c5b6f4-9zv68"]', 'class'))?.includes('hl'),
      'the hovered slot to highlight its row',
    );
    await page.hover(row);
    await until(
      async () =>
        (
          await page.getAttribute('[data-node="pi3-worker-1"] .slot[data-pod="default/web-7d9c5b6f4-x2x9k"]', 'class')
        )?.includes('hl'),
      'the hovered row to highlight its slot',
    );
    assert.deepEqual(errors, []);
  });
});
