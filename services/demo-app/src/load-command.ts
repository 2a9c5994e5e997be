import { defineCommand } from '@kubeblink/core';

export const loadCommand = defineCommand({
  name: 'load',
  summary: 'send N requests a second to a URL for S seconds (the autoscaling demo load) and print who answered',
  settings: 'loadSettings',
  run: async (s) => {
    const { runLoad } = await import('./load.ts');
    const r = await runLoad({
      url: s.url,
      rps: s.rps,
      durationSeconds: s.duration,
      maxInFlight: s.maxInFlight,
      onProgress: (p) => process.stderr.write(`sent ${p.sent} ok ${p.ok} failed ${p.failed} skipped ${p.skipped}\n`),
    });
    console.log(JSON.stringify(r));
  },
});
