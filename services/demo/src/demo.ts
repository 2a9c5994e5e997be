// What a demo is: a named list of steps, each narrated (what happens in Kubernetes, what to look at
// on the LEDs), with an action and the states it then waits for on the bus. Demo modules build their
// steps per run (`plan`), so state captured by one step (the node that was stopped) stays in the run.

import type { ClusterEvent, NodeState, PodState } from '@kubeblink/schemas';
import type { KubernetesObject } from '@kubernetes/client-node';

/** What the bus shows right now: the watcher's retained states and the events seen since the start. */
export interface BusView {
  /** Pods of the demo's namespace (one entry per uid; a pod moving off `_unscheduled` counts once). */
  pods(): PodState[];
  nodes(): NodeState[];
  node(name: string): NodeState | undefined;
  /** Events seen since the demo started: pod events of its namespace and every node event, in order. */
  events(): ClusterEvent[];
}

/** A BusView that also tells when it changed (a state or an event arrived). */
export interface BusSource extends BusView {
  onChange(listener: () => void): () => void;
}

export interface Wait<T = unknown> {
  /** What is awaited, in words: the progress line and the timeout message. */
  what: string;
  /** Returns something truthy once the state is reached (re-evaluated on every bus change). */
  until(bus: BusView): T | undefined | false | null;
  /** Said when reached, with what until() returned. */
  done?(value: T, seconds: number): string;
  /** Seconds, before --timeout-scale; default 120 on the simulated cluster, 300 on a real one. */
  timeout?: { sim: number; real: number };
  /** Name under which the runner calls onCheckpoint once this wait succeeded (LED pictures in tests). */
  checkpoint?: string;
}

export interface Step {
  title: string;
  /** What happens in Kubernetes. */
  say: string;
  /** What to look at on the LEDs (layouts talk and compact). */
  leds: string;
  /** The action; it may register clean-ups with ctx.defer. */
  act?(ctx: DemoContext): Promise<void>;
  waits?: Wait[];
}

/** What demo modules may do to the cluster; the runner's clean-up undoes it. */
export interface DemoContext {
  /** The simulated cluster (kubeblink sim): the demo can stop a node's heartbeat itself. */
  readonly sim: boolean;
  readonly namespace: string;
  /** The demo's manifests (deploy/demos/<name>/), the demo image moved to --registry when given. */
  readonly objects: readonly KubernetesObject[];
  readonly bus: BusView;
  /** Server-side apply; the first call registers the clean-up of every manifest object. */
  apply(objs: readonly KubernetesObject[]): Promise<void>;
  /** Delete objects and wait until they are gone. */
  remove(objs: readonly KubernetesObject[]): Promise<void>;
  /** Delete one pod of the namespace without waiting (a controller may recreate it under the same name). */
  deletePod(name: string): Promise<void>;
  /** Makes a node fail: its heartbeat stopped (sim), or the operator asked to stop its kubelet. */
  stopNode(node: string): Promise<void>;
  startNode(node: string): Promise<void>;
  /** Makes the pod's app exit (POST /fault/exit: exit code 1). */
  crashPod(pod: string): Promise<void>;
  /** Starts the hpa demo's load (the load generator, or on the sim this process); stopLoad ends it. */
  startLoad(): Promise<void>;
  stopLoad(): Promise<void>;
  /** A line of narration (stdout). */
  say(text: string): void;
  /** Registers a clean-up (run in reverse order at the end, on failure and on Ctrl-C). */
  defer(what: string, fn: () => Promise<void>): void;
}

export interface Demo {
  name: string;
  summary: string;
  /** How long it takes, measured (docs/demos.md, "The seven demos"). */
  takes: { sim: string; real: string };
  plan(ctx: DemoContext): Step[];
}

export const demoNamespace = (name: string) => `kubeblink-demo-${name}`;
