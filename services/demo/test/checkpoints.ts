// The LED pictures each demo checkpoint must show on the virtual boards. Each check returns what is
// wrong (or undefined); the test polls until it holds, since the LED services see the bus a moment
// after the demo does.
import type { PodState } from '@kubeblink/schemas';
import { ordinalProblem, patternProblem, type ShownPod, shown, statusPattern } from './pictures.ts';
import type { LedPicture } from './stack.ts';

export interface CheckInput {
  pics: Map<string, LedPicture>;
  pods: ShownPod[];
  /** The demo namespace's pods on the bus (the reader's model), for names, images and uids. */
  bus: PodState[];
  /** Shared between the checkpoints of one demo (e.g. which node died). */
  memo: Record<string, string>;
}

type Check = (i: CheckInput) => string | undefined;

const count =
  (n: number, kind?: string): Check =>
  ({ pods }) => {
    if (pods.length !== n) return `${pods.length} pods shown, want ${n}: ${pods.map((p) => p.name).join(', ')}`;
    const wrong = kind ? pods.find((p) => p.kind !== kind) : undefined;
    if (wrong) return `${wrong.name} is ${wrong.kind}, want ${kind}`;
    return pods.map(patternProblem).find(Boolean);
  };

const all =
  (...checks: Check[]): Check =>
  (i) =>
    checks.map((c) => c(i)).find(Boolean);

/** The shown pods are exactly these pods of the bus. */
const exactly =
  (pick: (p: PodState) => boolean): Check =>
  ({ pods, bus }) => {
    const want = bus
      .filter(pick)
      .map((p) => p.uid)
      .sort();
    const got = pods.map((p) => p.uid).sort();
    return JSON.stringify(want) === JSON.stringify(got) ? undefined : `shown ${got.length} pods, want ${want.length}`;
  };

const version = (v: string) => (p: PodState) => (p.images[0] ?? '').endsWith(`:${v}`);

/** Boards with more pods than slots say so on their status LED. */
const overflowShown: Check = ({ pics }) => {
  for (const [node, pic] of pics)
    if (pic.overflow.length && statusPattern(pic) !== 'statusOverflow') return `${node} overflows without telling`;
  return undefined;
};

export const CHECKPOINTS: Record<string, Check> = {
  'node-failure/running': count(1, 'ready'),
  'node-failure/node-down': ({ pics, memo }) => {
    const down = [...pics.values()].filter((p) => !p.nodeReady);
    if (down.length !== 1) return `${down.length} boards show their node not ready, want 1`;
    memo.victim = down[0]?.node ?? '';
    return statusPattern(down[0]) === 'statusNodeNotReady' ? undefined : `status LED ${statusPattern(down[0])}`;
  },
  'node-failure/rescheduled': ({ pods, memo }) => {
    const dead = pods.filter((p) => p.node === memo.victim);
    const alive = pods.filter((p) => p.node !== memo.victim);
    // The evicted pods stay Terminating (no kubelet to confirm): faded out, dark.
    const lit = dead.find((p) => p.kind !== 'terminating' || p.level !== 0);
    if (lit) return `${lit.name} on the dead node: ${lit.kind}, level ${lit.level}`;
    // Issue 14: beside up's demo app (slot 0 of every board, first come) the replacement gets the
    // next free slot, 1, on either layout; not the overflow.
    const misplaced = alive.find((p) => p.slot !== 1);
    if (misplaced) return `${misplaced.name} on ${misplaced.node} in slot ${misplaced.slot}, want 1`;
    return count(1, 'ready')({ pods: alive, pics: new Map(), bus: [], memo });
  },
  'node-failure/node-back': ({ pics, pods, memo }) => {
    const back = pics.get(memo.victim ?? '');
    if (!back?.nodeReady || statusPattern(back) !== 'steady') return `${memo.victim}: status ${statusPattern(back)}`;
    if (pods.some((p) => p.node === memo.victim)) return `pods still shown on ${memo.victim}`;
    return count(1, 'ready')({ pods, pics, bus: [], memo });
  },
  'crash-restart/running': count(1, 'ready'),
  // After the triple flash: steady again, one restart counted.
  'crash-restart/restarted': all(count(1, 'ready'), ({ pods }) =>
    pods[0]?.restarts === 1 ? undefined : `restarts ${pods[0]?.restarts}`,
  ),
  'rolling-update/v1': all(count(2, 'ready'), exactly(version('v1'))),
  'rolling-update/v2': all(count(2, 'ready'), exactly(version('v2'))),
  'bad-image/image-pull-backoff': count(1, 'imagePull'),
  'bad-image/fixed': all(count(1, 'ready'), exactly(version('v1'))),
  'crash-loop/crash-loop': count(1, 'crashLoop'),
  'hpa/one-pod': count(1, 'ready'),
  // Requests flash the compact LEDs while the load runs: pods and kinds only, plus the overflow rule.
  'hpa/scaled-out': all(({ pods }) => {
    const notReady = pods.find((p) => p.kind !== 'ready');
    return pods.length === 4 && !notReady ? undefined : `${pods.length} pods, ${notReady?.name} ${notReady?.kind}`;
  }, overflowShown),
  'hpa/scaled-in': count(1, 'ready'),
  'statefulset/running': all(count(3, 'ready'), ({ pods, pics }) => ordinalProblem(pods, pics)),
  'statefulset/recreated': all(
    count(3, 'ready'),
    exactly(() => true),
    ({ pods, pics }) => ordinalProblem(pods, pics),
  ),
};

export function checkPicture(key: string, namespace: string, i: Omit<CheckInput, 'pods'>): string | undefined {
  const check = CHECKPOINTS[key];
  if (!check) return `no expectation for checkpoint ${key}`;
  return check({ ...i, pods: shown(i.pics, namespace) });
}
