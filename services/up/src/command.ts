// `kubeblink up` (npm start): light spec; everything is imported when it runs.
import { defineCommand } from '@kubeblink/core';

export const upCommand = defineCommand({
  name: 'up',
  summary:
    'Everything on one machine (npm start): the simulated cluster (or --context NAME, or --recording FILE), a broker, the watcher and an LED board per node drawn live, with the demo app',
  settings: 'upSettings',
  configure: (cmd) => {
    // The schema's boolean gives --demo-app; the way to say no is --no-demo-app.
    cmd.option('--no-demo-app', 'do not deploy the demo app (nor send it requests)');
  },
  run: async (settings) => {
    const { runUp } = await import('./run.ts');
    await runUp(settings);
  },
});
