// The registry of subcommands. A service adds itself here with the CommandSpec its package exports.
import type { CommandSpec } from '@kubeblink/core';
import { demoAppCommand } from '@kubeblink/demo-app/command';
import { podRunnerCommand } from '@kubeblink/pod-runner/command';
import { loadCommand } from '@kubeblink/pod-runner/load-command';

export const commands: CommandSpec[] = [demoAppCommand, podRunnerCommand, loadCommand];
