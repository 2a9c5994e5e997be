// The fault controls of the demo app, as in the original talk's app: fail readiness or liveness on
// demand, exit with a code, burn CPU per request.
export interface FaultState {
  readinessFails: boolean;
  livenessFails: boolean;
  burnMs: number;
  /** Readiness fails before this time (ms since epoch): a slow starter. */
  readyAt: number;
}

/** Keeps one core busy for `ms` milliseconds: real CPU the pod runner measures for the HPA. */
export function burnCpu(ms: number): void {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
}

export function parseBool(v: string | null, fallback: boolean): boolean {
  if (v === null) return fallback;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new RangeError(`expected true or false, got ${JSON.stringify(v)}`);
}

export function parseIntIn(v: string | null, name: string, min: number, max: number): number {
  const n = Number(v);
  if (v === null || !Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}`);
  }
  return n;
}
