// Runs after `npm install` / `npm ci` (the root package's postinstall, under the project's Node 24,
// which npm puts first on PATH): every native addon npm compiled must load under this Node. One that
// was built for another ABI (an npmrc `nodedir` or an older `node` on PATH during the install, see
// scripts/native-build.ts) is rebuilt with this Node's headers; one that cannot be rebuilt is removed
// with a warning, so it reads as "not installed" (the optional backends say how to get them) instead
// of failing later with NODE_MODULE_VERSION. Never fails the install: addons are optional.
import { spawnSync } from 'node:child_process';
import { globSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { rebuildForThisNode } from './native-build.ts';

const root = join(import.meta.dirname, '..');

/** Why `file` does not load under this Node, or undefined when it does (tried in a child process). */
function loadError(file: string): string | undefined {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)})`], { encoding: 'utf8' });
  return r.status === 0 ? undefined : r.stderr.slice(r.stderr.indexOf('Error: ')).split('\n    at ')[0]?.trim();
}

function main(): void {
  const addons = globSync('node_modules/**/build/Release/*.node', { cwd: root }).map((f) => join(root, f));
  for (const addon of addons) {
    const why = loadError(addon);
    if (why === undefined || !/NODE_MODULE_VERSION/.test(why)) continue;
    const pkg = addon.slice(0, addon.lastIndexOf(`${join('build', 'Release')}`) - 1);
    console.log(
      `kubeblink: ${addon.slice(root.length + 1)} was built for another Node; rebuilding for ${process.version}`,
    );
    try {
      rebuildForThisNode(pkg);
      const after = loadError(addon);
      if (after) throw new Error(after.replace(/\s+/g, ' '));
    } catch (err) {
      rmSync(join(pkg, 'build'), { recursive: true, force: true });
      console.warn(
        `kubeblink: could not rebuild ${pkg.slice(root.length + 1)} for ${process.version}; removed its build ` +
          `(the optional backend reads as not installed): ${(err as Error).message.split('\n')[0]}`,
      );
    }
  }
}

if (process.versions.node.split('.')[0] === '24') main();
else console.warn(`kubeblink: postinstall ran under Node ${process.version}, not the project's Node 24; skipped`);
