// The registry of subcommands. A service adds itself here with the CommandSpec its package exports.
import type { CommandSpec } from '@kubeblink/core';
import { dashboardCommand } from '@kubeblink/dashboard/command';
import { demoAppCommand } from '@kubeblink/demo-app/command';
import { soundCommand } from '@kubeblink/sound/command';

export const commands: CommandSpec[] = [dashboardCommand, demoAppCommand, soundCommand];
