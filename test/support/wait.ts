/** Polls `fn` until it returns a truthy value; for waiting on real asynchronous effects, never for time itself. */
export async function until<T>(
  fn: () => T | Promise<T>,
  what: string,
  ms = 10_000,
  every = 25,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
