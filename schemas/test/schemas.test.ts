import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { generate, TYPES_FILE } from '../scripts/generate-types.ts';
import { allSchemas } from '../src/index.ts';

describe('generated types', () => {
  it('match the schemas (no drift)', async () => {
    assert.equal(readFileSync(TYPES_FILE, 'utf8'), await generate(), 'run `npm run types:generate`');
  });
});

describe('every schema field is documented', () => {
  // Walks every schema and reports properties without a description (directly or on their $ref target).
  const missing: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.properties && typeof n.properties === 'object') {
      for (const [k, v] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
        const documented = typeof v.description === 'string' || typeof v.$ref === 'string';
        const typeOnly = 'enum' in v && typeof v.$ref !== 'string' && !v.description;
        if (!documented || typeOnly) missing.push(`${path}/properties/${k}`);
      }
    }
    // if/then/else only restate fields defined elsewhere, with extra conditions.
    for (const [k, v] of Object.entries(n))
      if (typeof v === 'object' && !['if', 'then', 'else'].includes(k)) walk(v, `${path}/${k}`);
  };
  for (const s of allSchemas) walk(s, s.$id);
  it('has a description for every property', () => assert.deepEqual(missing, []));
});
