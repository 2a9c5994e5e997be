// The registry of subcommands. A service adds itself here with the CommandSpec its package exports.
import type { CommandSpec } from '@kubeblink/core';

export const commands: CommandSpec<never>[] = [];
