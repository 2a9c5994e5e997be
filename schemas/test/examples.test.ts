import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configValidators, formatErrors, messageValidators } from '../src/index.ts';

const dir = join(import.meta.dirname, '..', 'examples');
const validators: Record<string, (v: unknown) => boolean> = { ...messageValidators, ...configValidators };
const schemaOf = (file: string) => file.split('.')[0] as string;

describe('schemas/examples/valid', () => {
  const files = readdirSync(join(dir, 'valid'));
  it('has an example of every message schema', () => {
    for (const name of Object.keys(messageValidators)) {
      assert.ok(
        files.some((f) => schemaOf(f) === name),
        `no valid example for ${name}`,
      );
    }
  });
  for (const file of files) {
    it(file, () => {
      const fn = validators[schemaOf(file)] as ((v: unknown) => boolean) & { errors?: never };
      assert.ok(fn, `no schema named ${schemaOf(file)}`);
      const value = JSON.parse(readFileSync(join(dir, 'valid', file), 'utf8'));
      assert.ok(fn(value), formatErrors(fn.errors).join('\n'));
    });
  }
});

describe('schemas/examples/invalid', () => {
  for (const file of readdirSync(join(dir, 'invalid'))) {
    it(file, () => {
      const fn = validators[schemaOf(file)] as ((v: unknown) => boolean) & { errors?: never };
      assert.ok(fn, `no schema named ${schemaOf(file)}`);
      const { why, expectError, value } = JSON.parse(readFileSync(join(dir, 'invalid', file), 'utf8'));
      assert.equal(fn(value), false, `should be refused: ${why}`);
      const errors = formatErrors(fn.errors).join('\n');
      assert.ok(errors.includes(expectError), `expected an error containing "${expectError}", got:\n${errors}`);
    });
  }
});
