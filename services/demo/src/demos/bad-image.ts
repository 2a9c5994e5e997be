// An image that does not exist: ErrImagePull, then ImagePullBackOff; fixed by setting a good image.
import type { PodState } from '@kubeblink/schemas';
import type { Demo } from '../demo.ts';
import { eventOf, readyPods, withImage, workload } from './helpers.ts';

export const badImage: Demo = {
  name: 'bad-image',
  summary: 'an image that does not exist: ErrImagePull, ImagePullBackOff, then fixed with a good image',
  takes: { sim: '10 s', real: '~1 min (estimate)' },
  plan(ctx) {
    return [
      {
        title: 'Deploy an image that does not exist',
        say: 'A Deployment whose image, kubeblink/no-such-image:v1, is in no registry. The pod is scheduled, but the kubelet cannot pull the image: ErrImagePull, then it backs off (ImagePullBackOff) and retries later. The container never starts.',
        leds: "the slot's online (compact: state) LED shows a double blink: image pull failure. Before the API was watched, this was just a dark LED.",
        act: () => ctx.apply(workload(ctx.objects)),
        waits: [
          {
            what: 'an image pull failure on the bus',
            until: (b) => eventOf(b, 'io.kubeblink.pod.imagepull-failed'),
            done: (e) =>
              `${(e as { data: { name: string } }).data.name}: ${(e as { data: { reason?: string } }).data.reason}`,
          },
          {
            what: 'the pod in ImagePullBackOff',
            until: (b) => b.pods().find((p) => p.status === 'ImagePullBackOff'),
            done: (p) => `${(p as PodState).name} is ${(p as PodState).status}`,
            checkpoint: 'image-pull-backoff',
          },
        ],
      },
      {
        title: 'Fix the image',
        say: 'The demo sets the image to kubeblink/demo-app:v1. A new ReplicaSet starts a pod that pulls and runs; the broken pod is removed.',
        leds: 'a new slot blinks slowly then turns steady; the double-blinking slot fades out.',
        act: () => ctx.apply(withImage(workload(ctx.objects), (i) => i.replace(/no-such-image:v1$/, 'demo-app:v1'))),
        waits: [
          {
            what: 'one pod Running and Ready, the broken one gone',
            until: (b) => b.pods().length === 1 && readyPods(b)[0],
            done: (p) => `${(p as PodState).name} is ready`,
            checkpoint: 'fixed',
          },
        ],
      },
    ];
  },
};
