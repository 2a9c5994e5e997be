// The registry of subcommands. A service adds itself here with the CommandSpec its package exports.
import type { CommandSpec } from '@kubeblink/core';
import { ledCommand } from '@kubeblink/led/command';

export const commands: CommandSpec<never>[] = [ledCommand as unknown as CommandSpec<never>];
