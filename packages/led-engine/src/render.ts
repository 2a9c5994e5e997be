// What one slot LED shows at time t, and when that may next change. The priorities (README table),
// highest first, for the pattern LED of a slot (`state` in compact, `online` in talk):
//   1. terminating: fade out, nothing else;
//   2. restart: triple flash (about 1 s) over whatever the state shows;
//   3. image pull failure (double blink) and crash loop (bursts): request flashes are not shown;
//   4. request flash (state LED only, when the slot has no request LED): the LED is inverted briefly;
//   5. the state: steady (ready), breathing (running, not ready), slow blink (pending).
// Request and probe LEDs go dark while the pod terminates. Flashes hidden by a higher priority are
// dropped, not replayed later.
import type { LedInfo } from './layout.ts';
import { endOf, levelAt, nextEdge, PATTERNS, type Pattern, type PatternName } from './patterns.ts';
import type { PodKind } from './pod-kind.ts';
import type { PodRecord } from './pods.ts';

export function basePatternName(kind: PodKind, pwm: boolean): PatternName {
  switch (kind) {
    case 'ready':
      return 'steady';
    case 'notReady':
      return pwm ? 'breathing' : 'breathingOnOff';
    case 'pending':
      return 'slowBlink';
    case 'imagePull':
      return 'doubleBlink';
    case 'crashLoop':
      return 'bursts';
    case 'terminating':
      return pwm ? 'fadeOut' : 'fadeOutOnOff';
    case 'finished':
      return 'off';
  }
}

const FLASHABLE: ReadonlySet<PodKind> = new Set(['ready', 'notReady', 'pending']);

/** The pattern that decides the pattern LED right now, with its anchor. */
function patternLayer(rec: PodRecord, pwm: boolean, t: number): { name: PatternName; anchor: number } {
  if (rec.kind === 'terminating') return { name: pwm ? 'fadeOut' : 'fadeOutOnOff', anchor: rec.terminatingSince ?? 0 };
  if (rec.restartAt !== null && t >= rec.restartAt && t < endOf(PATTERNS.tripleFlash, rec.restartAt)) {
    return { name: 'tripleFlash', anchor: rec.restartAt };
  }
  return { name: basePatternName(rec.kind, pwm), anchor: rec.kindSince };
}

export interface LedView {
  level: number;
  /** The pattern name shown (for /leds and displays). */
  pattern: string;
}

/** Level of a slot LED for its pod (null: empty slot) at time t, before the stale modifier. */
export function slotLed(led: LedInfo, rec: PodRecord | null, requestOnStateLed: boolean, t: number): LedView {
  if (!rec) return { level: 0, pattern: 'empty' };
  const terminating = rec.kind === 'terminating';
  switch (led.role) {
    case 'state':
    case 'online': {
      const layer = patternLayer(rec, led.pwm, t);
      const base = levelAt(PATTERNS[layer.name] as Pattern, layer.anchor, t);
      const flashes =
        led.role === 'state' && requestOnStateLed && layer.name !== 'tripleFlash' && FLASHABLE.has(rec.kind);
      if (flashes && rec.request.active(t)) return { level: base >= 0.5 ? 0 : 1, pattern: 'flash' };
      return { level: base, pattern: layer.name };
    }
    case 'request':
      if (terminating) return { level: 0, pattern: 'off' };
      return rec.request.active(t) ? { level: 1, pattern: 'flash' } : { level: 0, pattern: 'off' };
    case 'livenessOk':
    case 'readinessOk': {
      const p = led.role === 'livenessOk' ? rec.liveness : rec.readiness;
      if (terminating) return { level: 0, pattern: 'off' };
      return p.okFlash.active(t) ? { level: 1, pattern: 'flash' } : { level: 0, pattern: 'off' };
    }
    case 'livenessFail':
    case 'readinessFail': {
      const p = led.role === 'livenessFail' ? rec.liveness : rec.readiness;
      if (terminating) return { level: 0, pattern: 'off' };
      const latched = p.ok === false ? 1 : 0;
      if (p.failFlash.active(t)) return { level: 1 - latched, pattern: 'flash' };
      return { level: latched, pattern: latched ? 'steady' : 'off' };
    }
    case 'status':
      return { level: 0, pattern: 'off' };
  }
}

/** The next time after t at which slotLed() may return another level (conservative: may be early). */
export function slotLedEdge(
  led: LedInfo,
  rec: PodRecord | null,
  requestOnStateLed: boolean,
  t: number,
  frameMs: number,
): number {
  if (!rec) return Number.POSITIVE_INFINITY;
  const terminating = rec.kind === 'terminating';
  switch (led.role) {
    case 'state':
    case 'online': {
      const layer = patternLayer(rec, led.pwm, t);
      let next = nextEdge(PATTERNS[layer.name] as Pattern, layer.anchor, t, frameMs);
      if (rec.restartAt !== null && rec.restartAt > t) next = Math.min(next, rec.restartAt);
      if (led.role === 'state' && requestOnStateLed && !terminating) next = Math.min(next, rec.request.nextEdge(t));
      return next;
    }
    case 'request':
      return terminating ? Number.POSITIVE_INFINITY : rec.request.nextEdge(t);
    case 'livenessOk':
    case 'readinessOk':
      if (terminating) return Number.POSITIVE_INFINITY;
      return (led.role === 'livenessOk' ? rec.liveness : rec.readiness).okFlash.nextEdge(t);
    case 'livenessFail':
    case 'readinessFail':
      if (terminating) return Number.POSITIVE_INFINITY;
      return (led.role === 'livenessFail' ? rec.liveness : rec.readiness).failFlash.nextEdge(t);
    case 'status':
      return Number.POSITIVE_INFINITY;
  }
}
