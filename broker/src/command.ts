// `kubeblink broker` and `kubeblink broker hash-password`. Light: the broker itself is imported
// only when the command runs, so other commands never load Aedes.
import { defineCommand } from '@kubeblink/core';

export const brokerCommand = defineCommand({
  name: 'broker',
  summary: 'The MQTT broker (Aedes): TCP and WebSocket, users file and ServiceAccount tokens, per-role ACL, validation',
  settings: 'brokerSettings',
  configure: (cmd) => {
    cmd
      .command('hash-password')
      .description(
        'Print the scrypt hash of a password for the users file. Reads the password from standard input (first line) or, on a terminal, prompts twice without echo.',
      )
      .action(async () => {
        const { hashPasswordCommand } = await import('./hash-password.ts');
        process.exitCode = await hashPasswordCommand();
      });
  },
  run: async (settings) => {
    const { runBroker } = await import('./main.ts');
    await runBroker(settings);
  },
});
