import { defineCommand } from '@kubeblink/core';

export const demoCommand = defineCommand({
  name: 'demo',
  summary:
    "run one of the talk's demos step by step against the current kube context (demo --list | demo NAME [--yes])",
  settings: 'demoSettings',
  configure: (cmd) => {
    cmd.argument('[name]', 'the demo to run (--list shows them)');
  },
  run: async (settings, args) => (await import('./main.ts')).runDemoCommand(settings, args),
});
