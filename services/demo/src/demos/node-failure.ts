// The talk's first demo: a node dies, its pods are replaced on the other node. On the simulated
// cluster the demo stops the node's heartbeat itself; on a real one the presenter stops the kubelet.
import type { Demo } from '../demo.ts';
import { livePods, names, readyPods, workload } from './helpers.ts';

export const nodeFailure: Demo = {
  name: 'node-failure',
  summary: 'a node dies: its 2 pods are evicted and replaced on the other worker, then the node comes back',
  takes: { sim: '31 s', real: '~1.5 min (estimate, plus stopping and starting the kubelet)' },
  plan(ctx) {
    let victim = '';
    return [
      {
        title: 'Two replicas',
        say:
          'A Deployment asks for 2 replicas of the demo app. The scheduler spreads them over the workers and each ' +
          "node's kubelet starts its pod; probes make them Ready.",
        leds:
          "talk: a slot's online LED goes from slow blink (pending) to steady (running and ready); the liveness ok " +
          'and readiness ok LEDs flash with each probe. compact: one slot LED per pod turns steady.',
        act: () => ctx.apply(workload(ctx.objects)),
        waits: [
          {
            what: '2 pods Running and Ready',
            until: (b) => readyPods(b).length === 2 && readyPods(b),
            done: (pods) => `2 pods ready: ${names(pods as never)}`,
            checkpoint: 'running',
          },
        ],
      },
      {
        title: 'A node dies',
        say: ctx.sim
          ? 'The demo stops the heartbeat of a node holding a pod, as if its kubelet died. The control plane notices the missing heartbeat (node-monitor grace period), marks the node NotReady and taints it; the pods tolerate that for 5 s only (tolerationSeconds in the manifest, 300 s by default), are evicted, and the ReplicaSet creates replacements on the other worker. The evicted pods stay Terminating: their kubelet is not there to confirm.'
          : 'Stop the kubelet of a node holding a pod. The control plane notices the missing heartbeat (about 40 s), marks the node NotReady and taints it; the pods tolerate that for 5 s only (300 s by default), are evicted, and the ReplicaSet creates replacements on the other worker. The evicted pods stay Terminating: their kubelet is not there to confirm.',
        leds:
          "the dead node's status LED turns to a slow double blink (node not ready) and its pods fade out when evicted; " +
          'on the other node new slots blink slowly (pending), then turn steady.',
        act: async () => {
          const pod = readyPods(ctx.bus)[0];
          victim = pod?.node ?? '';
          if (!victim) throw new Error('no ready pod on a node');
          await ctx.stopNode(victim);
        },
        waits: [
          {
            get what() {
              return `${victim} to be NotReady (no heartbeat)`;
            },
            until: (b) => {
              const n = b.node(victim);
              return n !== undefined && n.ready !== 'True' && n;
            },
            done: (n) => `${victim} is ${(n as { status: string }).status}`,
            timeout: { sim: 120, real: 300 },
            checkpoint: 'node-down',
          },
          {
            get what() {
              return `2 pods Running and Ready away from ${victim}, the old ones evicted`;
            },
            until: (b) => {
              const away = readyPods(b).filter((p) => p.node !== victim);
              const stuck = livePods(b).filter((p) => p.node === victim);
              return away.length === 2 && stuck.length === 0 && away;
            },
            done: (pods) => `replaced: ${names(pods as never)}`,
            checkpoint: 'rescheduled',
          },
        ],
      },
      {
        title: 'The node comes back',
        say: ctx.sim
          ? "The demo restarts the node's heartbeat. The node turns Ready; its kubelet finds the evicted pods and finishes their deletion. The replacements stay where they are: Kubernetes does not move running pods back."
          : 'Start the kubelet again. The node turns Ready; its kubelet finds the evicted pods and finishes their deletion. The replacements stay where they are: Kubernetes does not move running pods back.',
        leds: "the node's status LED turns steady again and its faded slots empty; the other node keeps its 2 pods.",
        act: () => ctx.startNode(victim),
        waits: [
          {
            get what() {
              return `${victim} Ready, with no pods of the demo left on it`;
            },
            until: (b) => b.node(victim)?.ready === 'True' && b.pods().every((p) => p.node !== victim),
            timeout: { sim: 120, real: 300 },
            checkpoint: 'node-back',
          },
        ],
      },
    ];
  },
};
