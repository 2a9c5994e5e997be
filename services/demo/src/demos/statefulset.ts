// A StatefulSet: ordered start, stable names, and a deleted pod recreated under its own name.
import type { PodState } from '@kubeblink/schemas';
import type { Demo } from '../demo.ts';
import { eventOf, readyPods, workload } from './helpers.ts';

const trio = ['web-0', 'web-1', 'web-2'];

export const statefulset: Demo = {
  name: 'statefulset',
  summary: 'a StatefulSet of 3: started in order web-0, web-1, web-2; a deleted pod comes back under its name',
  takes: { sim: '25 s', real: '~1 min (estimate)' },
  plan(ctx) {
    let old: PodState | undefined;
    return [
      {
        title: 'Three pods, in order',
        say: 'A StatefulSet of 3 replicas (and its headless Service). Its pods have stable names, web-0, web-1, web-2, and start one at a time: each only once the previous one is Ready.',
        leds: "each pod takes the slot of its ordinal (web-0 slot 0, web-1 slot 1, ...) when that slot exists on its node's board and is free; slots light up one after the other.",
        act: () => ctx.apply(workload(ctx.objects)),
        waits: [
          {
            what: 'web-0, web-1 and web-2 Running and Ready',
            until: (b) => trio.every((n) => readyPods(b).some((p) => p.name === n)),
            checkpoint: 'running',
          },
        ],
      },
      {
        title: 'Delete web-1',
        say: 'The demo deletes pod web-1. The StatefulSet creates a new pod with the same name (a new uid) on whichever node the scheduler picks.',
        leds: "web-1's slot fades out, then the new web-1 takes the slot of ordinal 1 again when it lands on a board that has one free.",
        act: async () => {
          old = ctx.bus.pods().find((p) => p.name === 'web-1');
          await ctx.deletePod('web-1');
        },
        waits: [
          {
            what: 'the old web-1 deleted',
            until: (b) => eventOf(b, 'io.kubeblink.pod.deleted', 'web-1', old?.uid),
          },
          {
            what: 'a new web-1 Running and Ready',
            until: (b) => readyPods(b).find((p) => p.name === 'web-1' && p.uid !== old?.uid),
            done: (p) => `web-1 is back on ${(p as PodState).node} (new uid)`,
            checkpoint: 'recreated',
          },
        ],
      },
    ];
  },
};
