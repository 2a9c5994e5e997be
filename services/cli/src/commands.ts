// The registry of subcommands. A service adds itself here with the CommandSpec its package exports.
import type { CommandSpec } from '@kubeblink/core';
import { recordCommand, watcherCommand } from '@kubeblink/watcher/command';

export const commands: CommandSpec<never>[] = [
  watcherCommand as unknown as CommandSpec<never>,
  recordCommand as unknown as CommandSpec<never>,
];
