// An app that always crashes: restarts with a growing back-off, shown as CrashLoopBackOff.
import type { PodState } from '@kubeblink/schemas';
import type { Demo } from '../demo.ts';
import { eventOf, workload } from './helpers.ts';

export const crashLoop: Demo = {
  name: 'crash-loop',
  summary: 'an app that exits 2 s after every start: restarts, then CrashLoopBackOff',
  takes: { sim: '12 s', real: '~1 min (estimate)' },
  plan(ctx) {
    return [
      {
        title: 'An app that keeps crashing',
        say: 'The demo app is told to exit with code 3 two seconds after it starts (KUBEBLINK_EXIT_AFTER_SECONDS). The kubelet restarts it at once the first time, then waits longer before each new try (10 s doubling to 5 min on a real node; 2 s doubling in the simulated cluster): CrashLoopBackOff.',
        leds: "talk: the online LED turns steady for the short runs, triple-flashes at each restart, and shows bursts of 5 quick flashes while backing off. compact: the same on the slot's state LED.",
        act: () => ctx.apply(workload(ctx.objects)),
        waits: [
          {
            what: 'a restart with exit code 3',
            until: (b) => eventOf(b, 'io.kubeblink.pod.restarted'),
            done: (e) => {
              const d = (e as { data: { name: string; reason?: string; exitCode?: number | null } }).data;
              return `${d.name} restarted: ${d.reason}, exit code ${d.exitCode}`;
            },
          },
          {
            what: 'the pod in CrashLoopBackOff',
            until: (b) =>
              eventOf(b, 'io.kubeblink.pod.crashloop') && b.pods().find((p) => p.status === 'CrashLoopBackOff'),
            done: (p) => `${(p as PodState).name}: ${(p as PodState).status}, RESTARTS ${(p as PodState).restarts}`,
            timeout: { sim: 120, real: 300 },
            checkpoint: 'crash-loop',
          },
        ],
      },
    ];
  },
};
