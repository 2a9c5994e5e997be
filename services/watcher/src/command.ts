// `kubeblink watcher` and `kubeblink record FILE`: light specs; the service code loads inside run().
import { defineCommand } from '@kubeblink/core';

export const watcherCommand = defineCommand({
  name: 'watcher',
  summary: 'Watch Kubernetes pods and nodes and publish their state and transitions to the MQTT bus',
  settings: 'watcherSettings',
  async run(settings) {
    const { runWatcher } = await import('./main.ts');
    await runWatcher(settings);
  },
});

export const recordCommand = defineCommand({
  name: 'record',
  summary: "Save a cluster's pod and node watch stream as JSON lines (replay: watcher --source recording)",
  settings: 'recordSettings',
  configure: (cmd) => {
    cmd.argument('<file>', 'the recording to write');
  },
  async run(settings, args) {
    const { runRecord } = await import('./main.ts');
    await runRecord(settings, args[0] as string);
  },
});
