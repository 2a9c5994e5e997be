import { defineCommand } from '@kubeblink/core';

export const demoAppCommand = defineCommand({
  name: 'demo-app',
  summary: 'the demos workload: an HTTP app that publishes its own signals, with fault controls',
  settings: 'demoAppSettings',
  run: async (settings) => (await import('./main.ts')).runDemoApp(settings),
});
