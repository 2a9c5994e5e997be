import { defineCommand } from '@kubeblink/core';

export const podRunnerCommand = defineCommand({
  name: 'pod-runner',
  summary: 'the simulated cluster kubelet for demo-app pods: real processes, probes, restarts, Service ports, CPU',
  settings: 'podRunnerSettings',
  run: async (settings) => (await import('./main.ts')).runPodRunner(settings),
});
