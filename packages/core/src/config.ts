// Settings for every command from flags, KUBEBLINK_* environment variables and an optional YAML
// file, in that precedence over the schema's defaults. The schema (schemas/config/*-settings) is the
// one description of every option: flags, --help text and validation all come from it.
import { readFileSync } from 'node:fs';
import {
  type ConfigSchemaName,
  configSchemas,
  type SchemaTypes,
  sharedSchemas,
  validateConfig,
} from '@kubeblink/schemas';
import { parse as parseYaml } from 'yaml';

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: string[];
  constructor(what: string, problems: string[]) {
    super(`invalid ${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

export interface OptionSpec {
  key: string;
  flag: string;
  env: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
  description: string;
  default?: unknown;
  choices?: string[];
  required: boolean;
}

type Schema = Record<string, unknown>;

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (key: string) => key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
export const envName = (key: string) => `KUBEBLINK_${kebab(key).replace(/-/g, '_').toUpperCase()}`;

const byId = new Map<string, Schema>(
  [...Object.values(sharedSchemas), ...Object.values(configSchemas)].map((s) => [s.$id as string, s as Schema]),
);

/** Resolves a property's $ref chain (siblings override the target), enough for option metadata. */
function resolve(schema: Schema, baseId: string): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const [file, pointer = ''] = ref.split('#');
  const targetId = file ? new URL(file, baseId).href : baseId;
  let target = byId.get(targetId) as unknown;
  for (const seg of pointer.split('/').filter(Boolean)) target = (target as Record<string, unknown>)?.[seg];
  if (!target) throw new Error(`unresolvable $ref ${ref} in ${baseId}`);
  const { $ref: _, ...siblings } = schema;
  return { ...resolve(target as Schema, targetId), ...siblings };
}

/** The options of a command, derived from its settings schema. */
export function optionSpecs(name: ConfigSchemaName): OptionSpec[] {
  const schema = configSchemas[name] as unknown as Schema;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const props = schema.properties as Record<string, Schema>;
  return Object.entries(props).map(([key, raw]) => {
    const s = resolve(raw, schema.$id as string);
    const t = s.type ?? (Array.isArray(s.enum) ? 'string' : 'string');
    return {
      key,
      flag: `--${kebab(key)}`,
      env: envName(key),
      type: t as OptionSpec['type'],
      description: String(s.description ?? ''),
      default: s.default,
      choices: Array.isArray(s.enum) ? (s.enum as string[]) : undefined,
      required: required.has(key),
    };
  });
}

export interface LoadSources {
  /** Only the flags the user actually gave (no defaults). */
  flags?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
}

/**
 * Merges defaults < YAML file < environment < flags, validates against the schema and reports every
 * problem at once, each with where the value came from.
 */
export function loadSettings<N extends ConfigSchemaName>(name: N, sources: LoadSources = {}): SchemaTypes[N] {
  const env = sources.env ?? process.env;
  const flags = sources.flags ?? {};
  const specs = optionSpecs(name);
  const origin = new Map<string, string>();
  const merged: Record<string, unknown> = {};
  const problems: string[] = [];

  const configPath = (flags.config as string | undefined) ?? env.KUBEBLINK_CONFIG;
  if (configPath) {
    try {
      const doc = parseYaml(readFileSync(configPath, 'utf8')) ?? {};
      if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('the top level must be a mapping');
      for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
        merged[camel(k)] = v;
        origin.set(camel(k), `${configPath}: ${k}`);
      }
    } catch (err) {
      problems.push(`config file ${configPath}: ${(err as Error).message}`);
    }
    merged.config = configPath;
  }
  for (const spec of specs) {
    const v = env[spec.env];
    if (v !== undefined && v !== '') {
      merged[spec.key] = v;
      origin.set(spec.key, spec.env);
    }
  }
  for (const [k, v] of Object.entries(flags)) {
    if (v === undefined) continue;
    merged[k] = v;
    origin.set(k, kebab(k).replace(/^/, '--'));
  }
  const result = validateConfig(name, merged);
  if (!result.ok) {
    for (const e of result.errors) {
      const key = e.match(/^\/([^/ ]+)/)?.[1];
      const from = key ? origin.get(key) : undefined;
      problems.push(from ? `${e} (from ${from})` : e);
    }
  }
  if (problems.length) throw new ConfigError(`${kebab(name).replace(/-settings$/, '')} settings`, problems);
  return merged as unknown as SchemaTypes[N];
}
