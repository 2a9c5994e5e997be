// --layout: a built-in name (talk, compact) or the path of a YAML or JSON file, checked against the
// layout schema and the rules a schema cannot express before anything is lit.
import { readFileSync } from 'node:fs';
import { BUILTIN_LAYOUTS, checkLayout, isBuiltinLayout, LayoutError, type LedLayout } from '@kubeblink/led-engine';
import { parse as parseYaml } from 'yaml';

export function loadLayout(nameOrPath: string): LedLayout {
  if (isBuiltinLayout(nameOrPath)) return BUILTIN_LAYOUTS[nameOrPath];
  let text: string;
  try {
    text = readFileSync(nameOrPath, 'utf8');
  } catch (err) {
    throw new LayoutError(nameOrPath, [
      `not a built-in layout (${Object.keys(BUILTIN_LAYOUTS).join(', ')}) and not a readable file: ${(err as Error).message}`,
    ]);
  }
  let value: unknown;
  try {
    // YAML is a superset of JSON: one parser for both.
    value = parseYaml(text);
  } catch (err) {
    throw new LayoutError(nameOrPath, [`not YAML or JSON: ${(err as Error).message}`]);
  }
  return checkLayout(value, nameOrPath);
}

/** "a, b,,c" → ["a", "b", "c"] */
export function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
