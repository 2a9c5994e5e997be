import { defineCommand } from '@kubeblink/core';

export const dashboardCommand = defineCommand({
  name: 'dashboard',
  summary: 'serve the web page that shows every node as a Pi with its breadboard, an event log and details',
  settings: 'dashboardSettings',
  run: async (settings) => (await import('./main.ts')).runDashboard(settings),
});
