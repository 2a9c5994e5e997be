// What a service package exposes to the `kubeblink` command. The CLI imports these small specs
// eagerly and the service code lazily (`run` imports it), so `kubeblink led` never loads Aedes.
import type { ConfigSchemaName, SchemaTypes } from '@kubeblink/schemas';
import type { Command } from 'commander';

export interface CommandSpec<N extends ConfigSchemaName = ConfigSchemaName> {
  name: string;
  summary: string;
  /** Settings schema: its properties become the flags, KUBEBLINK_* variables and YAML keys. */
  settings?: N;
  /** Extra sub-commands or arguments (e.g. `broker hash-password`). */
  configure?: (cmd: Command) => void;
  // Method syntax (bivariant) so that specs of different settings fit in one registry list.
  run(settings: SchemaTypes[N], args: string[]): Promise<void>;
}

export function defineCommand<N extends ConfigSchemaName>(spec: CommandSpec<N>): CommandSpec<N> {
  return spec;
}
