// v1 -> v2: one new pod at a time, an old one removed once the new one is Ready.
import type { PodState } from '@kubeblink/schemas';
import type { Demo } from '../demo.ts';
import { names, readyPods, withImage, workload } from './helpers.ts';

const version = (p: PodState) => /:(v\d+)$/.exec(p.images[0] ?? '')?.[1];

export const rollingUpdate: Demo = {
  name: 'rolling-update',
  summary: 'a rolling update from v1 to v2, one pod at a time, never below 2 ready pods',
  takes: { sim: '14 s', real: '~1 min (estimate)' },
  plan(ctx) {
    const only = (v: string) => (pods: PodState[]) => pods.length === 2 && pods.every((p) => version(p) === v);
    return [
      {
        title: 'Two pods of v1',
        say: 'A Deployment of 2 replicas of the demo app v1 (kubeblink/demo-app:v1), behind a Service.',
        leds: 'talk: two online LEDs steady (one per pod), probe LEDs flashing. compact: two steady slot LEDs.',
        act: () => ctx.apply(workload(ctx.objects)),
        waits: [
          {
            what: '2 pods of v1 Running and Ready',
            until: (b) => only('v1')(b.pods()) && readyPods(b).length === 2,
            checkpoint: 'v1',
          },
        ],
      },
      {
        title: 'Roll out v2',
        say: 'The demo sets the image to kubeblink/demo-app:v2 (kubectl set image does the same). The Deployment makes a new ReplicaSet and, with maxSurge 1 and maxUnavailable 0, starts one v2 pod, waits until it is Ready, then terminates one v1 pod, and again: there are always 2 ready pods serving.',
        leds: 'a new slot blinks slowly (pending), turns steady (ready), then an old slot fades out (terminating); twice. A node may briefly show 3 pods (compact) or the overflow pattern on its status LED (talk, 2 slots).',
        act: () => ctx.apply(withImage(workload(ctx.objects), (i) => i.replace(/demo-app:v1$/, 'demo-app:v2'))),
        waits: [
          {
            what: '2 pods of v2 Running and Ready, the v1 pods gone',
            until: (b) => only('v2')(b.pods()) && readyPods(b).length === 2 && readyPods(b),
            done: (pods) => `v2 everywhere: ${names(pods as never)}`,
            checkpoint: 'v2',
          },
        ],
      },
    ];
  },
};
