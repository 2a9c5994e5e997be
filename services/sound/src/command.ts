import { defineCommand } from '@kubeblink/core';

export const soundCommand = defineCommand({
  name: 'sound',
  summary: 'speak or play what happens in the cluster (espeak-ng, sox, aplay), rate limited; --dry-run prints it',
  settings: 'soundSettings',
  run: async (settings) => (await import('./main.ts')).runSound(settings),
});
