// The next steps `up` prints: the bus, kubectl for the cluster shown, the demos, the dashboard.
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { appNamespaces } from '../src/paths.ts';
import { nextSteps, type StepsInput } from '../src/steps.ts';

const base: StepsInput = {
  description: 'simulated cluster, 3 nodes',
  broker: 'mqtt://127.0.0.1:1883',
  wsUrl: 'ws://127.0.0.1:9001',
  portNote: '',
  leds: 'http://127.0.0.1:9100/leds',
  logFile: '/s/up.log',
  warnings: [],
};

describe('nextSteps', () => {
  it('on the simulated cluster in its default place: short commands that find it by themselves', () => {
    const kubectl = { kubeconfig: '/sim/kubeconfig', bin: '/c/kubectl', discovered: true };
    assert.deepEqual(nextSteps({ ...base, kubectl }), [
      'kubeblink up is running: simulated cluster, 3 nodes',
      '  broker     mqtt://127.0.0.1:1883 (WebSocket ws://127.0.0.1:9001); anonymous clients on this machine may read, not publish',
      "  the bus    mosquitto_sub -h 127.0.0.1 -p 1883 -v -t 'kubeblink/#'",
      '  kubectl    npx kubeblink sim kubectl get pods -o wide',
      '  demos      npx kubeblink demo --list   then e.g.  npx kubeblink demo crash-restart',
      '  dashboard  npx kubeblink dashboard   then open http://127.0.0.1:9106',
      '  LEDs       curl -s http://127.0.0.1:9100/leds',
      '  log        /s/up.log',
      '  Ctrl-C stops everything up started',
    ]);
  });

  it('on a simulated cluster elsewhere (--sim-state-dir): its kubeconfig spelled out, ~ for the home directory', () => {
    const kubectl = { kubeconfig: join(homedir(), 'lab/kubeconfig'), bin: '/c/kubectl', discovered: false };
    const lines = nextSteps({ ...base, kubectl, wsUrl: 'ws://127.0.0.1:40001' });
    assert.ok(lines.includes('  kubectl    KUBECONFIG=~/lab/kubeconfig /c/kubectl get pods -o wide'), lines.join('\n'));
    assert.ok(
      lines.includes(
        '  demos      npx kubeblink demo --list   then e.g.  KUBECONFIG=~/lab/kubeconfig npx kubeblink demo crash-restart',
      ),
    );
    assert.ok(
      lines.includes(
        '  dashboard  npx kubeblink dashboard --broker ws://127.0.0.1:40001   then open http://127.0.0.1:9106',
      ),
    );
  });

  it('on a named context: kubectl --context, the broker port actually used, and the warnings', () => {
    const lines = nextSteps({
      ...base,
      broker: 'mqtt://127.0.0.1:40000',
      wsUrl: undefined,
      portNote: 'port 1883 (or 9001) was taken: the broker listens on 40000 instead',
      kubectl: { context: 'pis' },
      warnings: ['a real cluster'],
    });
    assert.ok(lines.includes("  the bus    mosquitto_sub -h 127.0.0.1 -p 40000 -v -t 'kubeblink/#'"));
    assert.ok(lines.includes('  kubectl    kubectl --context pis get pods -o wide'));
    assert.ok(
      lines.includes(
        '  demos      npx kubeblink demo --list   then e.g.  npx kubeblink demo crash-restart --broker mqtt://127.0.0.1:40000 --context pis',
      ),
    );
    assert.ok(lines.includes('  note       port 1883 (or 9001) was taken: the broker listens on 40000 instead'));
    assert.ok(lines.includes('  warning    a real cluster'));
    assert.ok(!lines.some((l) => l.includes('dashboard')));
  });

  it('on a recording: no kubectl, no demos', () => {
    const lines = nextSteps(base);
    assert.ok(!lines.some((l) => l.includes('kubectl') || l.includes('demo --list')));
  });
});

describe('appNamespaces', () => {
  it("lets the demo app's namespace and every guided demo's own log in as apps", () => {
    const ns = appNamespaces();
    assert.deepEqual(ns.slice(0, 2), ['default', 'kubeblink-demo']);
    assert.ok(ns.includes('kubeblink-demo-crash-restart'), ns.join());
    assert.deepEqual(appNamespaces('/nonexistent'), ['default', 'kubeblink-demo']);
  });
});
