// @kubeblink/demo: the talk's seven demos (`kubeblink demo`).
export { KitBus } from './bus.ts';
export { ClusterContext, detectSim, LOAD_GENERATOR } from './cluster.ts';
export { demoCommand } from './command.ts';
export { DEMOS, findDemo } from './demos/index.ts';
export { type DemoRunOptions, DemoUsageError, listDemos, runDemo, runDemoCommand } from './main.ts';
export { DEMOS_DIR, demoObjects } from './manifests.ts';
export { Cleanups, type DemoIO, describeBus, type RunHooks, runSteps } from './runner.ts';
export type { BusSource, BusView, Demo, DemoContext, Step, Wait } from './types.ts';
export { demoNamespace } from './types.ts';
export { DemoInterrupted, WaitTimeout, waitFor } from './wait.ts';
