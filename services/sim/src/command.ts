import { defineCommand } from '@kubeblink/core';

/**
 * `kubeblink sim up|down|status|heartbeat|kubectl`: the simulated cluster. Its arguments are parsed by the
 * sim's own CLI (simCli), so `kubeblink sim --help` shows its usage.
 */
export const simCommand = defineCommand({
  name: 'sim',
  summary:
    'the simulated cluster: sim up [--nodes N] | sim down | sim status | sim heartbeat NODE on|off | sim kubectl ARGS',
  configure: (cmd) => {
    cmd.argument('[args...]').allowUnknownOption().helpOption(false);
  },
  run: async (_settings, args) => {
    const { simCli } = await import('./cli.ts');
    const { SimAlreadyRunning } = await import('./index.ts');
    try {
      process.exitCode = await simCli(args);
    } catch (err) {
      // An expected failure (nothing running, a bad flag) is a sentence, not a stack trace.
      console.error(err instanceof SimAlreadyRunning ? err.message : `kubeblink sim: ${(err as Error).message}`);
      process.exitCode = 1;
    }
  },
});
