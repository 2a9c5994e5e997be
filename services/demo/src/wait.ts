// Waiting for a state on the bus: the predicate is re-evaluated whenever a state or an event arrives
// (never on a sleep), a progress line ticks once a second, and a timeout or Ctrl-C ends the wait.
import type { BusSource } from './demo.ts';

export class DemoInterrupted extends Error {
  override name = 'DemoInterrupted';
  constructor() {
    super('interrupted');
  }
}

export class WaitTimeout extends Error {
  override name = 'WaitTimeout';
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called once a second with the elapsed whole seconds. */
  progress?: (seconds: number) => void;
  /** What the bus showed, for the timeout message. */
  describe?: () => string;
}

export function waitFor<T>(
  bus: BusSource,
  what: string,
  until: (bus: BusSource) => T | undefined | false | null,
  o: WaitOptions,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const start = Date.now();
    let finished = false;
    const finish = (err: Error | undefined, value?: T) => {
      if (finished) return;
      finished = true;
      off();
      clearInterval(ticker);
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(value as T);
    };
    const check = () => {
      if (finished) return;
      let v: T | undefined | false | null;
      try {
        v = until(bus);
      } catch (err) {
        finish(err as Error);
        return;
      }
      if (v) finish(undefined, v);
    };
    const onAbort = () => finish(new DemoInterrupted());
    const off = bus.onChange(check);
    const ticker = setInterval(() => o.progress?.(Math.floor((Date.now() - start) / 1000)), 1000);
    const timer = setTimeout(() => {
      const seen = o.describe?.();
      finish(
        new WaitTimeout(
          `timed out after ${Math.round(o.timeoutMs / 1000)} s waiting for ${what}${seen ? `\n  the bus shows: ${seen}` : ''}`,
        ),
      );
    }, o.timeoutMs);
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    check();
  });
}
