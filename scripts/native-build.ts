// Building native addons for the project's Node 24 (the `node` devDependency), not whatever Node or
// headers the machine has. npm compiles an addon while it installs it, with node-gyp and the headers
// npm is configured with: on a machine whose npmrc sets `nodedir` to an older Node's headers, or whose
// `node` on PATH is older, the addon is built for the wrong ABI and fails to load under Node 24
// ("compiled against a different Node.js version", NODE_MODULE_VERSION). Node's own headers ship in
// the registry package node-linux-<arch> (the platform package behind the `node` devDependency), so
// nothing outside the npm registry is needed. Used by scripts/postinstall.ts and the LED tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CACHE_ROOT = join(homedir(), '.cache', 'kubeblink');

export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${r.error?.message ?? ''}\n${r.stderr}${r.stdout}`);
  }
}

/** npm's own node-gyp (every npm bundles one; npm names it in lifecycle scripts), run by this Node. */
export function nodeGyp(): string {
  const named = process.env.npm_config_node_gyp;
  if (named && existsSync(named)) return named;
  const root = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout.trim();
  const p = join(root, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(p)) return p;
  throw new Error(`npm's node-gyp not found under ${root}/npm`);
}

/** `npm pack spec` into dir and unpack it there; returns the unpacked package directory. */
export function unpack(spec: string, dir: string): string {
  const out = join(dir, spec.replace(/[@/]/g, '_'));
  mkdirSync(out, { recursive: true });
  run('npm', ['pack', spec, '--silent', '--pack-destination', out], out);
  run('sh', ['-c', 'tar xzf *.tgz && rm *.tgz'], out);
  return join(out, 'package');
}

/**
 * A directory holding this Node's headers (include/node), for node-gyp's nodedir: unpacked once
 * per Node version from node-linux-<arch> into the cache.
 */
export function nodeHeaders(cacheRoot = CACHE_ROOT): string {
  const dest = join(cacheRoot, `node-headers-${process.versions.node}-${process.arch}`);
  if (existsSync(join(dest, 'include', 'node', 'node.h'))) return dest;
  mkdirSync(cacheRoot, { recursive: true });
  const work = mkdtempSync(join(cacheRoot, 'node-headers.building-'));
  try {
    const pkg = unpack(`node-linux-${process.arch}@${process.versions.node}`, work);
    rmSync(join(pkg, 'bin'), { recursive: true, force: true }); // keep the headers, not a second Node
    rmSync(dest, { recursive: true, force: true });
    renameSync(pkg, dest);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return dest;
}

/** `node-gyp rebuild` in a package directory, for this Node's ABI whatever npm is configured with. */
export function rebuildForThisNode(pkgDir: string, cacheRoot = CACHE_ROOT): void {
  // npm's environment may name other headers (an npmrc `nodedir=/usr` points at the system Node's):
  // the variable wins over node-gyp's --nodedir, so it is replaced.
  const env = { ...process.env, npm_config_nodedir: nodeHeaders(cacheRoot) };
  run(process.execPath, [nodeGyp(), 'rebuild'], pkgDir, env);
}
