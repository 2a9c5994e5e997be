// `kubeblink led`: light spec only; the service (johnny-five included) is imported when it runs.
import { defineCommand } from '@kubeblink/core';

export const ledCommand = defineCommand({
  name: 'led',
  summary: "Show one node's pods on a breadboard of LEDs (johnny-five: gpiochip, raspi-io or a virtual board).",
  settings: 'ledSettings',
  run: async (settings) => {
    const { runLed } = await import('./led-service.ts');
    await runLed(settings);
  },
});
