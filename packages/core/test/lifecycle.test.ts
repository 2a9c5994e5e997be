import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Component, Controller } from '../src/lifecycle.ts';
import { silentLogger } from '../src/log.ts';

function component(name: string, trace: string[], fail?: 'start' | 'stop'): Component {
  return {
    name,
    async start() {
      if (fail === 'start') throw new Error(`${name} cannot start`);
      trace.push(`start ${name}`);
    },
    async stop() {
      trace.push(`stop ${name}`);
      if (fail === 'stop') throw new Error(`${name} cannot stop`);
    },
  };
}

describe('controller', () => {
  it('starts in order and stops in reverse, once', async () => {
    const trace: string[] = [];
    const c = new Controller(silentLogger());
    for (const n of ['bus', 'engine', 'http']) c.add(component(n, trace));
    await c.start();
    await Promise.all([c.stop(), c.stop()]);
    assert.deepEqual(trace, ['start bus', 'start engine', 'start http', 'stop http', 'stop engine', 'stop bus']);
  });

  it('stops what started when a later component fails to start', async () => {
    const trace: string[] = [];
    const c = new Controller(silentLogger());
    c.add(component('bus', trace));
    c.add(component('board', trace, 'start'));
    c.add(component('http', trace));
    await assert.rejects(c.start(), /board cannot start/);
    assert.deepEqual(trace, ['start bus', 'stop bus']);
  });

  it('a failing stop does not keep the others from stopping', async () => {
    const trace: string[] = [];
    const c = new Controller(silentLogger());
    c.add(component('bus', trace));
    c.add(component('board', trace, 'stop'));
    await c.start();
    await c.stop();
    assert.deepEqual(trace, ['start bus', 'start board', 'stop board', 'stop bus']);
  });
});
