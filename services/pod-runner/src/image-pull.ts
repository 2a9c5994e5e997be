// The kubelet's image pull for one container start (pkg/kubelet/images image_manager.go): a known
// image (resolveImage: the demo app's) is already present on the machine; any other fails with
// ErrImagePull, and while the pull back-off set by that failure runs each sync shows
// ImagePullBackOff; an invalid reference is InvalidImageName, for good. The caller waits.
import type { EventType } from './events.ts';
import { type ImageResolution, resolveImage } from './image.ts';
import type { KubeletBackoff } from './kubelet-backoff.ts';

export interface PullHost {
  backoff: KubeletBackoff;
  /** How long an ErrImagePull shows before the next sync reports ImagePullBackOff. */
  syncMs: number;
  /** Shows the container waiting, with the kubelet's reason. */
  waiting(reason: string, message?: string): void;
  event(type: EventType, reason: string, message: string): void;
}

export type PullOutcome =
  | { pulled: Extract<ImageResolution, { ok: true }> }
  /** Try again after this many milliseconds. */
  | { retryInMs: number }
  /** The reference can never be pulled: the container stays waiting. */
  | { never: true };

/** `image` as the pod spec has it; `key` the back-off key of the container and its image. */
export function pullImage(image: string | undefined, key: string, h: PullHost): PullOutcome {
  const img = resolveImage(image ?? '');
  if (img.ok) return { pulled: img };
  if (img.reason === 'InvalidImageName') {
    h.waiting('InvalidImageName', img.message);
    h.event('Warning', 'InspectFailed', img.message);
    h.event('Warning', 'Failed', 'Error: InvalidImageName');
    return { never: true };
  }
  if (h.backoff.inBackOffSinceUpdate(key)) {
    h.waiting('ImagePullBackOff', `Back-off pulling image "${image}"`);
    h.event('Normal', 'BackOff', `Back-off pulling image "${image}"`);
    h.event('Warning', 'Failed', 'Error: ImagePullBackOff');
    return { retryInMs: h.backoff.remainingSinceUpdate(key) };
  }
  h.backoff.next(key);
  h.event('Normal', 'Pulling', `Pulling image "${image}"`);
  h.waiting('ErrImagePull', img.message);
  h.event('Warning', 'Failed', `Failed to pull image "${image}": ${img.message}`);
  h.event('Warning', 'Failed', 'Error: ErrImagePull');
  return { retryInMs: h.syncMs };
}
