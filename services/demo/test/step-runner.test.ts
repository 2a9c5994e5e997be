// The step runner with fakes: order of narration, pauses, actions, waits and checkpoints; the
// clean-up at the end, on Ctrl-C and after a timeout (fake time); a failing clean-up step.
import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import type { ClusterEvent, PodState } from '@kubeblink/schemas';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { BusSource, Demo, DemoContext, Step } from '../src/demo.ts';
import { Cleanups, type DemoIO, runSteps } from '../src/step-runner.ts';
import { DemoInterrupted, WaitTimeout } from '../src/wait.ts';

class FakeBus implements BusSource {
  podList: PodState[] = [];
  private readonly listeners = new Set<() => void>();
  pods = () => this.podList;
  nodes = () => [];
  node = () => undefined;
  events = (): ClusterEvent[] => [];
  onChange(l: () => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  addPod(name: string, status = 'Running') {
    this.podList.push({ name, status, ready: '1/1', node: 'pi3-worker-1' } as PodState);
    for (const l of [...this.listeners]) l();
  }
}

function fixture(steps: (ctx: DemoContext, log: string[]) => Step[]) {
  const log: string[] = [];
  const bus = new FakeBus();
  const cleanups = new Cleanups();
  const ctx = {
    sim: true,
    namespace: 'kubeblink-demo-test',
    objects: [] as KubernetesObject[],
    bus,
    say: (t: string) => log.push(`say ${t}`),
    defer: (what: string, fn: () => Promise<void>) => cleanups.defer(what, fn),
  } as unknown as DemoContext;
  const io: DemoIO & { progressLines: string[]; pauses: number } = {
    progressLines: [],
    pauses: 0,
    out: (t) => log.push(t),
    progress(line) {
      if (line) this.progressLines.push(line);
    },
    async pause() {
      this.pauses++;
    },
  };
  const demo: Demo = { name: 'test', summary: 's', takes: { sim: '1 s', real: '1 s' }, plan: (c) => steps(c, log) };
  return { log, bus, cleanups, ctx, io, demo };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('step runner', () => {
  afterEach(() => mock.timers.reset());

  it('narrates, pauses, acts and waits in order; checkpoints come before the clean-up', async () => {
    const f = fixture((ctx, log) => [
      {
        title: 'one',
        say: 'first',
        leds: 'steady',
        act: async () => {
          log.push('act one');
          ctx.defer('undo one', async () => void log.push('undo one'));
          queueMicrotask(() => f.bus.addPod('web-1'));
        },
        waits: [{ what: 'web-1', until: (b) => b.pods().find((p) => p.name === 'web-1'), checkpoint: 'up' }],
      },
      {
        title: 'two',
        say: 'second',
        leds: 'dark',
        act: async () => {
          log.push('act two');
          ctx.defer('undo two', async () => void log.push('undo two'));
        },
      },
    ]);
    await runSteps(f.demo, f.ctx, f.bus, f.cleanups, f.io, {
      yes: false,
      sim: true,
      onCheckpoint: (demo, cp) => f.log.push(`checkpoint ${demo}/${cp}`),
    });
    const seen = f.log
      .filter((l) => /^(act|checkpoint|undo|first|second|LEDs| {2}ok)/.test(l))
      .map((l) => l.replace(/ \([\d.]+ s\)$/, ''));
    assert.deepEqual(seen, [
      'first',
      'LEDs: steady',
      'act one',
      '  ok: web-1',
      'checkpoint test/up',
      'second',
      'LEDs: dark',
      'act two',
      'undo two',
      'undo one',
    ]);
    assert.equal(f.io.pauses, 2, 'a pause before each step without --yes');
  });

  it('does not pause with --yes', async () => {
    const f = fixture(() => [{ title: 'one', say: 's', leds: 'l' }]);
    await runSteps(f.demo, f.ctx, f.bus, f.cleanups, f.io, { yes: true, sim: true });
    assert.equal(f.io.pauses, 0);
  });

  it('Ctrl-C during a wait stops the demo and runs every clean-up', async () => {
    const abort = new AbortController();
    const f = fixture((ctx) => [
      {
        title: 'one',
        say: 's',
        leds: 'l',
        act: async () => {
          ctx.defer('delete objects', async () => void f.log.push('deleted'));
          ctx.defer('restore node', async () => void f.log.push('restored'));
        },
        waits: [{ what: 'never', until: () => undefined, checkpoint: 'x' }],
      },
    ]);
    let checkpoints = 0;
    const running = runSteps(f.demo, f.ctx, f.bus, f.cleanups, f.io, {
      yes: true,
      sim: true,
      signal: abort.signal,
      onCheckpoint: () => checkpoints++,
    });
    await flush();
    abort.abort();
    await assert.rejects(running, DemoInterrupted);
    assert.deepEqual(
      f.log.filter((l) => l === 'deleted' || l === 'restored'),
      ['restored', 'deleted'],
    );
    assert.equal(checkpoints, 0);
  });

  it('Ctrl-C at a pause cleans up too', async () => {
    const abort = new AbortController();
    const f = fixture((ctx) => [
      { title: 'one', say: 's', leds: 'l', act: async () => ctx.defer('undo', async () => void f.log.push('undone')) },
      { title: 'two', say: 's', leds: 'l', act: async () => void f.log.push('act two') },
    ]);
    // The presenter presses Ctrl-C at the second pause: the terminal's pause rejects on the abort.
    let pauses = 0;
    f.io.pause = async () => {
      if (++pauses < 2) return;
      abort.abort();
      throw new DemoInterrupted();
    };
    await assert.rejects(
      runSteps(f.demo, f.ctx, f.bus, f.cleanups, f.io, { yes: false, sim: true, signal: abort.signal }),
      DemoInterrupted,
    );
    assert.ok(f.log.includes('undone'));
    assert.ok(!f.log.includes('act two'));
  });

  it('a wait that times out names what it waited for and what the bus showed, and cleans up', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
    const f = fixture((ctx) => [
      {
        title: 'one',
        say: 's',
        leds: 'l',
        act: async () => {
          ctx.defer('undo', async () => void f.log.push('undone'));
          f.bus.addPod('web-1', 'Pending');
        },
        waits: [{ what: '2 pods Running and Ready', until: () => undefined, timeout: { sim: 120, real: 300 } }],
      },
    ]);
    const running = runSteps(f.demo, f.ctx, f.bus, f.cleanups, f.io, { yes: true, sim: true, timeoutScale: 0.5 });
    await flush();
    mock.timers.tick(59_999);
    await flush();
    assert.equal(f.log.includes('undone'), false, 'still waiting just before the timeout');
    assert.equal(f.io.progressLines.at(-1), '  waiting for 2 pods Running and Ready ... 59 s');
    mock.timers.tick(1);
    await assert.rejects(running, (err: Error) => {
      assert.ok(err instanceof WaitTimeout);
      assert.equal(
        err.message,
        'timed out after 60 s waiting for 2 pods Running and Ready\n  the bus shows: web-1 Pending 1/1 on pi3-worker-1',
      );
      return true;
    });
    assert.ok(f.log.includes('undone'));
  });

  it('a failing clean-up does not stop the others, and fails the run', async () => {
    const f = fixture((ctx) => [
      {
        title: 'one',
        say: 's',
        leds: 'l',
        act: async () => {
          ctx.defer('first', async () => void f.log.push('first undone'));
          ctx.defer('second', async () => {
            throw new Error('API down');
          });
        },
      },
    ]);
    await assert.rejects(
      runSteps(f.demo, f.ctx, f.bus, f.cleanups, f.io, { yes: true, sim: true }),
      /clean-up failed: second: API down/,
    );
    assert.ok(f.log.includes('first undone'));
  });
});
