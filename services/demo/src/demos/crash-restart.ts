// The app crashes; the kubelet restarts its container at once (restartPolicy Always).
import type { PodState } from '@kubeblink/schemas';
import type { Demo } from '../demo.ts';
import { eventOf, readyPods, workload } from './helpers.ts';

export const crashRestart: Demo = {
  name: 'crash-restart',
  summary: 'the app crashes (exit code 1) and the kubelet restarts its container at once',
  takes: { sim: '11 s', real: '~30 s (estimate)' },
  plan(ctx) {
    let pod: PodState | undefined;
    return [
      {
        title: 'One pod',
        say: 'A Deployment with one replica of the demo app: scheduled, started, and Ready once its probes pass.',
        leds: "talk: the slot's online LED turns steady, liveness ok and readiness ok flash with each probe. compact: the slot LED turns steady.",
        act: () => ctx.apply(workload(ctx.objects)),
        waits: [
          {
            what: 'the pod Running and Ready',
            until: (b) => readyPods(b)[0],
            done: (p) => `${(p as PodState).name} is ready on ${(p as PodState).node}`,
            checkpoint: 'running',
          },
        ],
      },
      {
        title: 'The app crashes',
        say: 'The demo asks the app to exit with code 1 (its POST /fault/exit). The kubelet sees the container end with an error, restarts it at once (the first restart has no back-off) and counts it in RESTARTS; the pod is not Ready until the new process passes its probes.',
        leds: 'the online (compact: state) LED gives a triple flash for the restart, then turns steady again when the pod is Ready.',
        act: async () => {
          pod = readyPods(ctx.bus)[0];
          if (!pod) throw new Error('no ready pod');
          await ctx.crashPod(pod.name);
        },
        waits: [
          {
            what: 'the restart on the bus (reason Error, exit code 1)',
            until: (b) => eventOf(b, 'io.kubeblink.pod.restarted', pod?.name),
            done: (e) => {
              const d = (e as { data: { reason?: string; exitCode?: number | null } }).data;
              return `restarted: ${d.reason}, exit code ${d.exitCode}`;
            },
          },
          {
            what: 'the pod Ready again',
            until: (b) => readyPods(b).find((p) => p.uid === pod?.uid && p.restarts >= 1),
            done: (p) => `${(p as PodState).name} ready again, RESTARTS ${(p as PodState).restarts}`,
            checkpoint: 'restarted',
          },
        ],
      },
    ];
  },
};
