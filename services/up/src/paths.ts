// Where `up` keeps things: its log, and the namespaces whose pods may log in to its broker as apps.
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Namespaces whose pods may log in as apps: the demo app's, and each guided demo's own
 * (`kubeblink demo NAME` uses kubeblink-demo-NAME, one folder per demo in deploy/demos). */
export function appNamespaces(demos = fileURLToPath(new URL('../../../deploy/demos/', import.meta.url))): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(demos, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `kubeblink-demo-${d.name}`);
  } catch {
    // no demos in this checkout
  }
  return ['default', 'kubeblink-demo', ...names.sort()];
}

export function defaultLogFile(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'kubeblink', 'up.log');
}
