// The step runner: narration, a pause before each step (unless --yes), the action, then each awaited
// state with a progress line; checkpoints for tests; and the clean-up at the end, on a failure and on
// Ctrl-C (the signal aborts the current pause, action or wait, then everything deferred is undone).
import type { BusSource, BusView, Demo, DemoContext } from './demo.ts';
import { DemoInterrupted, waitFor } from './wait.ts';

export interface DemoIO {
  /** Narration (stdout). */
  out(text: string): void;
  /** The progress line while waiting (stderr); null ends it. */
  progress(line: string | null): void;
  /** Resolves when the presenter presses Enter; rejects with DemoInterrupted on abort. */
  pause(prompt: string, signal?: AbortSignal): Promise<void>;
}

export interface RunHooks {
  yes: boolean;
  sim: boolean;
  signal?: AbortSignal;
  /** Multiplies every wait's timeout. */
  timeoutScale?: number;
  /** Called (and awaited) after each wait that names a checkpoint, always before the clean-up. */
  onCheckpoint?: (demo: string, checkpoint: string) => unknown;
}

/** Clean-ups registered while the demo runs, undone newest first; a failing one does not stop the others. */
export class Cleanups {
  private readonly list: { what: string; fn: () => Promise<void> }[] = [];

  defer(what: string, fn: () => Promise<void>): void {
    this.list.push({ what, fn });
  }

  get size(): number {
    return this.list.length;
  }

  async run(io: DemoIO): Promise<string[]> {
    const failed: string[] = [];
    for (const c of this.list.splice(0).reverse()) {
      io.out(`  clean-up: ${c.what}`);
      try {
        await c.fn();
      } catch (err) {
        failed.push(`${c.what}: ${(err as Error).message}`);
        io.out(`  clean-up FAILED: ${c.what}: ${(err as Error).message}`);
      }
    }
    return failed;
  }
}

/** A short summary of what the bus shows, for timeout messages. */
export function describeBus(bus: BusView): string {
  const pods = bus.pods().map((p) => `${p.name} ${p.status} ${p.ready} on ${p.node ?? '(unscheduled)'}`);
  const nodes = bus
    .nodes()
    .filter((n) => n.status !== 'Ready')
    .map((n) => `node ${n.name} ${n.status}`);
  return [...pods, ...nodes].join('; ') || 'no pods of the demo namespace';
}

function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new DemoInterrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DemoInterrupted());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const rule = (title: string) => `\n== ${title} ${'='.repeat(Math.max(3, 72 - title.length))}`;

/**
 * Runs the demo's steps against ctx. Always runs the clean-up before returning or throwing; throws
 * DemoInterrupted after Ctrl-C, WaitTimeout when a state did not come, or the action's error.
 */
export async function runSteps(
  demo: Demo,
  ctx: DemoContext,
  bus: BusSource,
  cleanups: Cleanups,
  io: DemoIO,
  h: RunHooks,
): Promise<void> {
  const { signal } = h;
  const scale = h.timeoutScale ?? 1;
  let failure: unknown;
  try {
    const steps = demo.plan(ctx);
    for (const [i, step] of steps.entries()) {
      io.out(rule(`${demo.name} ${i + 1}/${steps.length}: ${step.title}`));
      io.out(step.say);
      io.out(`LEDs: ${step.leds}`);
      if (!h.yes) await io.pause('Press Enter to go on (Ctrl-C stops the demo and cleans up) ', signal);
      if (signal?.aborted) throw new DemoInterrupted();
      if (step.act) await abortable(step.act(ctx), signal);
      for (const w of step.waits ?? []) {
        const t0 = Date.now();
        const seconds = (h.sim ? w.timeout?.sim : w.timeout?.real) ?? (h.sim ? 120 : 300);
        const value = await waitFor(bus, w.what, (b) => w.until(b), {
          timeoutMs: seconds * scale * 1000,
          signal,
          progress: (s) => io.progress(`  waiting for ${w.what} ... ${s} s`),
          describe: () => describeBus(bus),
        });
        io.progress(null);
        const took = (Date.now() - t0) / 1000;
        io.out(`  ok: ${w.done ? w.done(value, took) : w.what} (${took.toFixed(1)} s)`);
        if (w.checkpoint && h.onCheckpoint) await h.onCheckpoint(demo.name, w.checkpoint);
      }
    }
  } catch (err) {
    failure = err;
    io.progress(null);
  } finally {
    if (cleanups.size) io.out(rule(`${demo.name}: clean-up`));
    const failed = await cleanups.run(io);
    if (!failure && failed.length) failure = new Error(`clean-up failed: ${failed.join('; ')}`);
  }
  if (failure) throw failure;
}
