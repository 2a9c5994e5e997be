// What the virtual boards show of a demo's pods, and what they should show: the expectation of each
// slot's pattern LED comes from the LED engine's own pure functions (basePatternName of the pod's
// kind), never from a recorded picture.
import { basePatternName, type PodKind } from '@kubeblink/led-engine';
import type { ClusterEvent } from '@kubeblink/schemas';
import type { LedPicture } from './stack.ts';

export interface ShownPod {
  node: string;
  /** null: waiting in the overflow (more pods than slots). */
  slot: number | null;
  name: string;
  uid: string;
  kind: PodKind;
  restarts: number;
  ordinal: number | null;
  /** The slot's pattern LED (talk: online, compact: state). */
  pattern?: string;
  level?: number;
  pwm?: boolean;
}

/** Every pod of the namespace on every board: in a slot (with its pattern LED) or in the overflow. */
export function shown(pics: Map<string, LedPicture>, namespace: string): ShownPod[] {
  const out: ShownPod[] = [];
  for (const [node, pic] of pics) {
    for (const s of pic.slots) {
      if (s.pod?.namespace !== namespace) continue;
      const led = pic.leds.find((l) => l.slot === s.index && (l.role === 'state' || l.role === 'online'));
      out.push({ node, slot: s.index, ...s.pod, pattern: led?.pattern, level: led?.level, pwm: led?.pwm });
    }
    for (const p of pic.overflow) if (p.namespace === namespace) out.push({ node, slot: null, ...p });
  }
  return out;
}

export const statusPattern = (pic: LedPicture | undefined) => pic?.leds.find((l) => l.role === 'status')?.pattern;

/** The pattern the engine shows for a pod of this kind on that LED, or why a shown pod disagrees. */
export function patternProblem(p: ShownPod): string | undefined {
  if (p.slot === null) return undefined;
  const want = basePatternName(p.kind, p.pwm ?? false);
  return p.pattern === want ? undefined : `${p.name} on ${p.node} slot ${p.slot}: ${p.pattern}, want ${want}`;
}

/**
 * The slot rule for StatefulSet pods (led-engine README, "Slots"): a pod with ordinal o whose board
 * has a slot o sits there, unless another pod already held that slot.
 */
export function ordinalProblem(pods: ShownPod[], pics: Map<string, LedPicture>): string | undefined {
  for (const p of pods) {
    if (p.slot === null || p.ordinal === null || p.slot === p.ordinal) continue;
    const slots = pics.get(p.node)?.slots ?? [];
    const held = slots[p.ordinal];
    if (held && (held.pod === null || held.pod.uid === p.uid))
      return `${p.name} (ordinal ${p.ordinal}) is in slot ${p.slot} of ${p.node} while slot ${p.ordinal} is free`;
  }
  return undefined;
}

/** Types of the events about each pod of the namespace (by uid, in arrival order), named by pod. */
export function podHistories(
  events: ClusterEvent[],
  namespace: string,
): { name: string; uid: string; types: string[] }[] {
  const byUid = new Map<string, { name: string; uid: string; types: string[] }>();
  for (const e of events) {
    const d = e.data as { namespace?: string; name: string; uid: string };
    if (!e.type.startsWith('io.kubeblink.pod.') || d.namespace !== namespace) continue;
    const h = byUid.get(d.uid) ?? { name: d.name, uid: d.uid, types: [] };
    h.types.push(e.type.slice('io.kubeblink.pod.'.length));
    byUid.set(d.uid, h);
  }
  return [...byUid.values()];
}

/** True if `want` appears in `seen` in this order (other events may come between). */
export function inOrder(seen: string[], want: string[]): boolean {
  let i = 0;
  for (const t of seen) if (t === want[i]) i++;
  return i === want.length;
}
