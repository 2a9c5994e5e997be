// The settings each command really has, from its schema (schemas/config/<command>-settings.schema.json),
// so manifests and the compose file cannot set a flag or KUBEBLINK_* variable that a service ignores.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_DIR } from './manifests.ts';

/** KUBEBLINK_DATA_DIR or data-dir -> dataDir, the schema's property name. */
export function envName(name: string): string {
  return name
    .replace(/^KUBEBLINK_/, '')
    .toLowerCase()
    .replace(/[-_]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function settingsProperties(command: string): Set<string> {
  const file = join(REPO_DIR, 'schemas', 'config', `${command}-settings.schema.json`);
  const schema = JSON.parse(readFileSync(file, 'utf8')) as { properties: Record<string, unknown> };
  return new Set(Object.keys(schema.properties));
}
