// The HorizontalPodAutoscaler: CPU target 20 % of the request, 1 -> 4 replicas under load, and back.
import type { Demo } from '../demo.ts';
import { livePods, names, readyPods, workload } from './helpers.ts';

export const hpa: Demo = {
  name: 'hpa',
  summary: 'autoscaling: load pushes CPU over the 20 % target, the HPA scales 1 -> 4 pods, and back to 1',
  takes: { sim: '68–79 s', real: '~2–3 min (estimate)' },
  plan(ctx) {
    return [
      {
        title: 'One pod and an autoscaler',
        say: 'A Deployment of the demo app (each request burns 20 ms of CPU), a Service, and a HorizontalPodAutoscaler: keep the average CPU at 20 % of the 200m request, with 1 to 4 replicas. metrics-server measures the CPU.',
        leds: 'one steady slot (online LED in talk, state LED in compact).',
        act: () => ctx.apply(workload(ctx.objects)),
        waits: [{ what: 'one pod Running and Ready', until: (b) => readyPods(b).length === 1, checkpoint: 'one-pod' }],
      },
      {
        title: 'Load',
        say: ctx.sim
          ? 'The demo sends 20 requests a second to the Service. CPU goes far over 20 %; the HPA asks for more replicas (up to 4) and the Service spreads the requests over every Ready pod.'
          : 'The load generator (deploy/demos/hpa/load-generator.yaml, `kubeblink load`) sends 20 requests a second to the Service. CPU goes far over 20 %; the HPA asks for more replicas (up to 4) and the Service spreads the requests over every Ready pod.',
        leds: 'talk: the request LEDs flicker with the load; new slots blink slowly, then turn steady, and start flickering too. compact: each slot LED shows short dark flashes per request.',
        act: () => ctx.startLoad(),
        waits: [
          {
            what: '4 pods Running and Ready',
            until: (b) => readyPods(b).length === 4 && readyPods(b),
            done: (pods) => `scaled out: ${names(pods as never)}`,
            timeout: { sim: 300, real: 600 },
            checkpoint: 'scaled-out',
          },
        ],
      },
      {
        title: 'Load stops',
        say: 'The load stops. CPU falls; after its 5 s stabilization window (5 min by default) the HPA scales back to 1 replica. The new pods count only once metrics-server has two samples of each, 10 s apart (a pod without metrics counts as busy when scaling down).',
        leds: 'the request LEDs go dark, then three slots fade out.',
        act: () => ctx.stopLoad(),
        waits: [
          {
            what: 'back to one pod',
            until: (b) => b.pods().length === 1 && livePods(b).length === 1 && readyPods(b).length === 1,
            timeout: { sim: 300, real: 600 },
            checkpoint: 'scaled-in',
          },
        ],
      },
    ];
  },
};
