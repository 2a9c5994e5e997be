import { type CommandSpec, ConfigError, loadSettings, optionSpecs, VERSION } from '@kubeblink/core';
import { Command, Option } from 'commander';
import { commands } from './commands.ts';

const major = Number(process.versions.node.split('.')[0]);

export function buildProgram(specs: CommandSpec[] = commands): Command {
  const program = new Command('kubeblink')
    .description('Make a Kubernetes cluster visible: cluster events over MQTT, animated on Raspberry Pi LEDs.')
    .version(VERSION)
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nEvery option can also be set as a KUBEBLINK_* environment variable or in a YAML file (--config).\nPrecedence: flag, environment, file, default.',
    );
  for (const spec of specs) addCommand(program, spec);
  return program;
}

function addCommand(program: Command, spec: CommandSpec): void {
  const cmd = program.command(spec.name).description(spec.summary);
  if (spec.settings) {
    for (const o of optionSpecs(spec.settings)) {
      const arg =
        o.type === 'boolean'
          ? ''
          : o.choices
            ? ` <${o.choices.join('|')}>`
            : ` <${o.type === 'string' ? 'value' : 'n'}>`;
      // Defaults are applied from the schema at validation time, so flags hold only what the user
      // typed (and the environment or file can still win over a default); help shows them anyway.
      const dflt = o.default !== undefined ? ` (default: ${JSON.stringify(o.default)})` : '';
      const help = `${o.description} [${o.env}]${o.required ? ' (required)' : ''}${dflt}`;
      cmd.addOption(new Option(`${o.flag}${arg}`, help));
    }
  }
  spec.configure?.(cmd);
  cmd.action(async (...actionArgs: unknown[]) => {
    const self = actionArgs.at(-1) as Command;
    const flags = self.opts();
    let settings: never = {} as never;
    if (spec.settings) {
      try {
        settings = loadSettings(spec.settings, { flags }) as never;
      } catch (err) {
        if (err instanceof ConfigError) {
          console.error(`kubeblink ${spec.name}: ${err.message}`);
          process.exit(2);
        }
        throw err;
      }
    }
    await spec.run(settings, self.args);
  });
}

export async function main(argv: string[]): Promise<void> {
  if (major < 24) {
    console.error(
      `kubeblink needs Node.js 24 (this is ${process.version}). Run it through npm (npx kubeblink, npm start), which uses the project's own Node 24.`,
    );
    process.exit(1);
  }
  await buildProgram().parseAsync(argv);
}
