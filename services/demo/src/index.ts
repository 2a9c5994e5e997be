// @kubeblink/demo: the talk's seven demos (`kubeblink demo`).

export { ClusterContext, detectSim, LOAD_GENERATOR } from './cluster-context.ts';
export { demoCommand } from './command.ts';
export type { BusSource, BusView, Demo, DemoContext, Step, Wait } from './demo.ts';
export { demoNamespace } from './demo.ts';
export { DEMOS_DIR, demoObjects } from './demo-manifests.ts';
export { DEMOS, findDemo } from './demos/index.ts';
export { KitBus } from './kit-bus.ts';
export { type DemoRunOptions, DemoUsageError, listDemos, runDemo, runDemoCommand } from './main.ts';
export { Cleanups, type DemoIO, describeBus, type RunHooks, runSteps } from './step-runner.ts';
export { DemoInterrupted, WaitTimeout, waitFor } from './wait.ts';
