// The talk's first demo: a node dies, its pod is replaced on the other worker. On the simulated
// cluster the demo stops the node's heartbeat itself; on a real one the presenter stops the kubelet.
// One replica (issue 14): `up`'s demo app holds slot 0 of every board, so on the talk layout (2 slots)
// each worker has exactly one slot free, and the replacement lands in the surviving worker's free slot.
// The narration names the pods from what the bus showed before and after, never from a count.
import type { PodState } from '@kubeblink/schemas';
import type { Demo } from '../demo.ts';
import { livePods, names, readyPods, workload } from './helpers.ts';

export const nodeFailure: Demo = {
  name: 'node-failure',
  summary: 'a node dies: its pod is evicted and replaced on the other worker, then the node comes back',
  takes: { sim: '33 s', real: '~1.5 min (estimate, plus stopping and starting the kubelet)' },
  plan(ctx) {
    let victim = '';
    /** uids of every pod of the demo before the node died: a replacement is a pod not among them. */
    let before = new Set<string>();
    let evicted: PodState[] = [];
    return [
      {
        title: 'One replica',
        say:
          'A Deployment asks for 1 replica of the demo app. The scheduler puts it on a worker and that ' +
          "node's kubelet starts the pod; probes make it Ready.",
        leds:
          "talk: on the pod's node, the first free slot's online LED goes from slow blink (pending) to steady " +
          "(running and ready), beside the slot of up's demo app; the liveness ok and readiness ok LEDs flash " +
          'with each probe. compact: one more slot LED turns steady.',
        act: () => ctx.apply(workload(ctx.objects)),
        waits: [
          {
            what: '1 pod Running and Ready',
            until: (b) => readyPods(b).length === 1 && livePods(b).length === 1 && readyPods(b),
            done: (pods) => `pod ready: ${names(pods as never)}`,
            checkpoint: 'running',
          },
        ],
      },
      {
        title: 'A node dies',
        say: ctx.sim
          ? 'The demo stops the heartbeat of the node holding the pod, as if its kubelet died. The control plane notices the missing heartbeat (node-monitor grace period), marks the node NotReady and taints it; the pod tolerates that for 5 s only (tolerationSeconds in the manifest, 300 s by default), is evicted, and the ReplicaSet creates a replacement on the other worker. The evicted pod stays Terminating: its kubelet is not there to confirm.'
          : 'Stop the kubelet of the node holding the pod. The control plane notices the missing heartbeat (about 40 s), marks the node NotReady and taints it; the pod tolerates that for 5 s only (300 s by default), is evicted, and the ReplicaSet creates a replacement on the other worker. The evicted pod stays Terminating: its kubelet is not there to confirm.',
        leds:
          "the dead node's status LED turns to a slow double blink (node not ready) and the pod's slot fades out when " +
          "evicted; on the other worker the slot beside up's demo app blinks slowly (pending), then turns steady.",
        act: async () => {
          const pod = readyPods(ctx.bus)[0];
          victim = pod?.node ?? '';
          if (!victim) throw new Error('no ready pod on a node');
          before = new Set(ctx.bus.pods().map((p) => p.uid));
          evicted = livePods(ctx.bus).filter((p) => p.node === victim);
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
              return `a replacement Running and Ready away from ${victim}, the old pod evicted`;
            },
            until: (b) => {
              const fresh = readyPods(b).filter((p) => p.node !== victim && !before.has(p.uid));
              const stuck = livePods(b).filter((p) => p.node === victim);
              return fresh.length === evicted.length && stuck.length === 0 && fresh;
            },
            // Exactly the pods that moved: those on the victim before, and the new ones (issue 14).
            done: (pods) => `evicted: ${names(evicted)}; replaced by: ${names(pods as never)}`,
            checkpoint: 'rescheduled',
          },
        ],
      },
      {
        title: 'The node comes back',
        say: ctx.sim
          ? "The demo restarts the node's heartbeat. The node turns Ready; its kubelet finds the evicted pods and finishes their deletion. The replacements stay where they are: Kubernetes does not move running pods back."
          : 'Start the kubelet again. The node turns Ready; its kubelet finds the evicted pods and finishes their deletion. The replacements stay where they are: Kubernetes does not move running pods back.',
        leds: "the node's status LED turns steady again and its faded slot empties; the other worker keeps the replacement.",
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
