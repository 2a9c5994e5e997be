// `kubeblink up` on the shipped recording (no cluster, no Go needed), in-process: a real broker,
// the watcher replaying the recording, a virtual board per recorded node. Asserts the LEDs the
// boards light (GET /leds) and the exact retained topics on the bus (mosquitto_sub), then that
// stopping it closes everything it opened.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { loadSettings } from '@kubeblink/core';
import { retainedMessages } from '@kubeblink/test/support/mosquitto';
import { MOSQUITTO_CLIENTS, needTool } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { SHIPPED_RECORDING } from '../src/cluster-component.ts';
import { Up } from '../src/up.ts';

// mosquitto_sub/mosquitto_pub are the independent MQTT peers here: without them this skips (CI: fails).
const needMosquitto = needTool(MOSQUITTO_CLIENTS);

// The recording's first picture: one demo-app pod per node (services/up/recordings/README.md).
const PODS: Record<string, string> = {
  'pi4-master': 'kubeblink-demo-app-fd85b485c-j5g2q',
  'pi3-worker-1': 'kubeblink-demo-app-fd85b485c-526tf',
  'pi3-worker-2': 'kubeblink-demo-app-fd85b485c-zcxnl',
};

interface Leds {
  source: string;
  clusterStatus: string;
  boards: {
    node: string;
    slots: { index: number; pod: { name: string; status: string } | null }[];
    leds: { id: string; slot: number | null; level: number; pattern: string }[];
  }[];
}

describe('kubeblink up on the shipped recording', { skip: needMosquitto }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'up-int-'));
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => {
    text += d.toString('utf8');
  });
  let up: Up;
  const leds = async (): Promise<Leds> =>
    (await fetch(`http://127.0.0.1:${up.http.port}/leds`)).json() as Promise<Leds>;

  before(async () => {
    // 0.2: five times slower than recorded, so that the first picture (before the recorded restart
    // and rolling update) holds for the whole test.
    const settings = loadSettings('upSettings', {
      flags: {
        recording: SHIPPED_RECORDING,
        speed: 0.2,
        port: 0,
        wsPort: -1,
        httpPort: 0,
        logFile: join(dir, 'up.log'),
      },
      env: {},
    });
    up = new Up(settings, { out, mode: 'lines' });
    await up.controller.start();
  });
  after(async () => {
    await up?.controller.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws one board per recorded node, control plane first, with each pod online (steady)', async () => {
    const pic = await until(async () => {
      const p = await leds();
      const online = p.boards.every((b) => b.leds.some((l) => l.id === 'slot0.online' && l.level === 1));
      return p.clusterStatus === 'ready' && online ? p : undefined;
    }, 'every board to show its pod online');
    assert.equal(pic.source, 'recording');
    assert.deepEqual(
      pic.boards.map((b) => b.node),
      ['pi4-master', 'pi3-worker-1', 'pi3-worker-2'],
    );
    for (const b of pic.boards) {
      assert.deepEqual(b.slots[0]?.pod && { name: b.slots[0].pod.name, status: b.slots[0].pod.status }, {
        name: PODS[b.node],
        status: 'Running',
      });
      assert.equal(b.slots[1]?.pod, null);
      assert.equal(b.leds.find((l) => l.id === 'slot0.online')?.pattern, 'steady');
      // Slot 1 holds no pod: dark. (A recording has no app signals: request LEDs stay dark too.)
      assert.ok(b.leds.filter((l) => l.slot === 1).every((l) => l.level === 0));
    }
    assert.ok(up.firstLitMs !== undefined);
  });

  it('publishes exactly the retained topics of that picture', async () => {
    const retained = await retainedMessages(up.broker.broker?.port ?? 0, 'kubeblink/#');
    const c = 'kubeblink/default';
    assert.deepEqual(retained.map((m) => m.topic).sort(), [
      `${c}/nodes/pi3-worker-1/pods/default/${PODS['pi3-worker-1']}/state`,
      `${c}/nodes/pi3-worker-1/state`,
      `${c}/nodes/pi3-worker-2/pods/default/${PODS['pi3-worker-2']}/state`,
      `${c}/nodes/pi3-worker-2/state`,
      `${c}/nodes/pi4-master/pods/default/${PODS['pi4-master']}/state`,
      `${c}/nodes/pi4-master/state`,
      `${c}/services/led/up-led-pi3-worker-1/status`,
      `${c}/services/led/up-led-pi3-worker-2/status`,
      `${c}/services/led/up-led-pi4-master/status`,
      `${c}/services/up/up-screen/status`,
      `${c}/status`,
    ]);
    assert.ok(retained.every((m) => m.retained));
    const status = JSON.parse(retained.find((m) => m.topic === `${c}/status`)?.payload ?? '{}');
    assert.equal(status.state, 'ready');
    const pod = JSON.parse(retained.find((m) => m.topic.includes('pi4-master/pods/'))?.payload ?? '{}');
    assert.deepEqual(
      { status: pod.status, ready: pod.ready, node: pod.node },
      {
        status: 'Running',
        ready: '1/1',
        node: 'pi4-master',
      },
    );
  });

  it('says on screen that this is a recording, and what to run next; logs go to the file, not the screen', () => {
    assert.match(text, /^» ! Not a live cluster: .*$/m);
    assert.match(text, /^kubeblink up is running: RECORDING demo-app\.jsonl, replayed in a loop$/m);
    assert.match(text, /^ {2}the bus {4}mosquitto_sub -h 127\.0\.0\.1 -p \d+ -v -t 'kubeblink\/#'$/m);
    assert.match(text, /^first LED lit [\d.]+ s after start \(pi\S+ slot0\.online\)$/m);
    assert.doesNotMatch(text, /"level":/);
    const log = readFileSync(join(dir, 'up.log'), 'utf8');
    assert.match(log, /"msg":"watcher starting"|"msg":"synced"/);
  });

  it('stops everything it started: broker, HTTP, boards', async () => {
    const port = up.http.port;
    const brokerPort = up.broker.broker?.port ?? 0;
    await up.controller.stop();
    assert.equal(up.boards.services.length, 0);
    assert.equal(up.broker.broker, undefined);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/leds`));
    await assert.rejects(retainedMessages(brokerPort, 'kubeblink/#'));
    assert.match(
      text,
      /^kubeblink up stopped everything it started; the first LED lit [\d.]+ s after start\. Log: .*up\.log$/m,
    );
  });
});
