import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { allSchemas, type ConfigSchemaName, configSchemas, type MessageSchemaName, messageSchemas } from './schemas.ts';
import type { SchemaTypes } from './types.gen.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

function newAjv(options: { coerceTypes: boolean; useDefaults: boolean }): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    // strictRequired is off: conditional `required` (if/then on the event type) names properties defined elsewhere.
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    ...options,
  });
  addFormats(ajv);
  for (const schema of allSchemas) ajv.addSchema(schema);
  return ajv;
}

// Both Ajv instances, and each schema's validator, are made on first use: compiling every schema of
// the project at import cost a service about 25 MB of RSS (V8 grows its heap for the code generation
// and keeps it), while a service uses a handful of them. A schema that does not compile now fails on
// first use (schemas/test compiles every one).
let messageAjv: Ajv2020 | undefined;
let configAjv: Ajv2020 | undefined;
// Messages: no coercion and no defaults, a payload is exactly what was sent.
const getMessageAjv = () => (messageAjv ??= newAjv({ coerceTypes: false, useDefaults: false }));
// Configuration: strings from flags and environment coerce to numbers and booleans; defaults fill in.
const getConfigAjv = () => (configAjv ??= newAjv({ coerceTypes: true, useDefaults: true }));

/** A record of validators whose properties compile on first read (then stay, as plain values). */
function lazyValidators<N extends string>(
  ajv: () => Ajv2020,
  schemas: Record<N, { $id: string }>,
): Record<N, ValidateFunction> {
  const out = {} as Record<N, ValidateFunction>;
  for (const name of Object.keys(schemas) as N[]) {
    Object.defineProperty(out, name, {
      enumerable: true,
      configurable: true,
      get() {
        const fn = ajv().getSchema(schemas[name].$id);
        if (!fn) throw new Error(`schema ${schemas[name].$id} did not compile`);
        Object.defineProperty(out, name, { value: fn, enumerable: true, writable: false, configurable: false });
        return fn;
      },
    });
  }
  return out;
}

/** Compiled once per process, on first use, and shared by every service. */
export const messageValidators = lazyValidators(getMessageAjv, messageSchemas);
export const configValidators = lazyValidators(getConfigAjv, configSchemas);

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

export function formatErrors(errors: ErrorObject[] | null | undefined, root = ''): string[] {
  return (errors ?? []).map((e) => {
    const where = `${root}${e.instancePath}` || '(root)';
    const extra =
      e.keyword === 'additionalProperties'
        ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'`
        : e.keyword === 'enum'
          ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
          : '';
    return `${where} ${e.message}${extra}`;
  });
}

export function validateMessage<N extends MessageSchemaName>(
  name: N,
  value: unknown,
): ValidationResult<SchemaTypes[N]> {
  const fn = messageValidators[name];
  return fn(value) ? { ok: true, value: value as SchemaTypes[N] } : { ok: false, errors: formatErrors(fn.errors) };
}

/** Validates (and fills defaults into, and coerces) a configuration object in place. */
export function validateConfig<N extends ConfigSchemaName>(name: N, value: unknown): ValidationResult<SchemaTypes[N]> {
  const fn = configValidators[name];
  return fn(value) ? { ok: true, value: value as SchemaTypes[N] } : { ok: false, errors: formatErrors(fn.errors) };
}
