// `kubeblink led` and `kubeblink led doctor`: light spec only; the service (johnny-five included) is
// imported when it runs.
import { defineCommand } from '@kubeblink/core';

export const ledCommand = defineCommand({
  name: 'led',
  summary: "Show one node's pods on a breadboard of LEDs (johnny-five: gpiochip, raspi-io or a virtual board).",
  settings: 'ledSettings',
  configure: (cmd) => {
    cmd
      .command('doctor')
      .description(
        'First boot of a breadboard: which board and why, the GPIO chips and labels, the permission this user lacks, then each LED of the layout lit in turn with its pin and role. Takes the led options (--board, --layout, --gpio-chip, --virtual-record, KUBEBLINK_*); --node defaults to the host name.',
      )
      .option('--step <ms>', 'how long each LED stays lit', '1000')
      // The led options are the parent's (commander gives them to `led`, wherever they stand).
      .action(async (opts: Record<string, unknown>, self: { parent?: { opts(): Record<string, unknown> } }) => {
        const { doctorCommand } = await import('./led-doctor.ts');
        process.exitCode = await doctorCommand({ ...self.parent?.opts(), ...opts });
      });
  },
  run: async (settings) => {
    const { runLed } = await import('./led-service.ts');
    await runLed(settings);
  },
});
