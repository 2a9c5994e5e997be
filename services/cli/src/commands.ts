// The registry of subcommands. A service adds itself here with the CommandSpec its package exports.
import { brokerCommand } from '@kubeblink/broker/command';
import type { CommandSpec } from '@kubeblink/core';

export const commands: CommandSpec<never>[] = [brokerCommand as unknown as CommandSpec<never>];
