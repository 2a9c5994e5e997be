// The registry of subcommands. A service adds itself here with the CommandSpec its package exports.

import { brokerCommand } from '@kubeblink/broker/command';
import type { CommandSpec } from '@kubeblink/core';
import { dashboardCommand } from '@kubeblink/dashboard/command';
import { demoCommand } from '@kubeblink/demo/command';
import { demoAppCommand } from '@kubeblink/demo-app/command';
import { loadCommand } from '@kubeblink/demo-app/load-command';
import { ledCommand } from '@kubeblink/led/command';
import { podRunnerCommand } from '@kubeblink/pod-runner/command';
import { simCommand } from '@kubeblink/sim/command';
import { soundCommand } from '@kubeblink/sound/command';
import { upCommand } from '@kubeblink/up/command';
import { recordCommand, watcherCommand } from '@kubeblink/watcher/command';

export const commands: CommandSpec[] = [
  brokerCommand,
  watcherCommand,
  recordCommand,
  ledCommand,
  simCommand,
  podRunnerCommand,
  loadCommand,
  demoAppCommand,
  dashboardCommand,
  soundCommand,
  demoCommand,
  upCommand,
];
