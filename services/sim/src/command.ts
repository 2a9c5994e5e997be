import { defineCommand } from '@kubeblink/core';

/**
 * `kubeblink sim up|down|status|heartbeat`: the simulated cluster. Its arguments are parsed by the
 * sim's own CLI (simCli), so `kubeblink sim --help` shows its usage.
 */
export const simCommand = defineCommand({
  name: 'sim',
  summary: 'the simulated cluster: sim up [--nodes N] | sim down | sim status | sim heartbeat NODE on|off',
  configure: (cmd) => {
    cmd.argument('[args...]').allowUnknownOption().helpOption(false);
  },
  run: async (_settings, args) => {
    const { simCli } = await import('./cli.ts');
    process.exitCode = await simCli(args);
  },
});
