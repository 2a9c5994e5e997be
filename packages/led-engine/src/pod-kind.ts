// What a pod's state looks like on a LED: one kind per pattern family, derived from the PodState the
// watcher publishes (kubectl's STATUS column and per-container reasons).
import type { PodState } from '@kubeblink/schemas';

export type PodKind =
  | 'ready' // running and ready: steady
  | 'notReady' // running, not ready: breathing
  | 'pending' // scheduled, creating, initialising (and phase Unknown): slow blink
  | 'imagePull' // image pull failure: double blink
  | 'crashLoop' // crash loop or a container that cannot start: bursts
  | 'terminating' // deletionTimestamp set: fade out
  | 'finished'; // Succeeded or Failed: gives its slot back

const IMAGE_PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
// Reasons of a container that keeps failing to run; kubelet's waiting reasons (pkg/kubelet/container).
const CRASH = new Set([
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PostStartHookError',
  'Error',
  'OOMKilled',
  'ContainerCannotRun',
  'StartError',
]);

/** kubectl prefixes init container problems with `Init:` (e.g. Init:CrashLoopBackOff). */
const bare = (s: string | null | undefined) => (s ?? '').replace(/^Init:/, '');

export function podKind(pod: PodState): PodKind {
  if (pod.deletionTimestamp !== null || pod.status === 'Terminating') return 'terminating';
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return 'finished';
  const reasons = [bare(pod.status), ...pod.containers.filter((c) => c.state === 'waiting').map((c) => bare(c.reason))];
  if (reasons.some((r) => IMAGE_PULL.has(r))) return 'imagePull';
  if (reasons.some((r) => CRASH.has(r))) return 'crashLoop';
  if (pod.phase === 'Running') return pod.podReady ? 'ready' : 'notReady';
  return 'pending';
}
