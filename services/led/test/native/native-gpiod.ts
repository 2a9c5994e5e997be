// The real node-libgpiod addon, built for this Node (issue 22), and the stub libgpiod.so.2 it runs
// over (gpiod-stub.c). The addon is built once per node-libgpiod version and Node version and kept
// in ~/.cache/kubeblink (outside the clone, like the simulated cluster's binaries): npm packs the
// sources, node-gyp compiles them against Debian's libgpiod-dev 1.6 headers and Node's own headers
// (scripts/native-build.ts), so nothing is downloaded from outside the npm registry.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_ROOT, rebuildForThisNode, run, unpack } from '../../../../scripts/native-build.ts';
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

/**
 * The directory of node-libgpiod built for this Node (require it by path), from the cache or
 * built now (about a minute, the first time).
 */
export function builtNodeLibgpiod(cacheRoot = CACHE_ROOT): string {
  const version = wantedVersion();
  const key = `node-libgpiod-${version}-node-${process.versions.node}-abi${process.versions.modules}`;
  const dest = join(cacheRoot, key);
  if (existsSync(join(dest, 'build', 'Release', 'node-libgpiod.node'))) return dest;
  mkdirSync(cacheRoot, { recursive: true });
  const work = mkdtempSync(join(cacheRoot, `${key}.building-`));
  try {
    const pkg = unpack(`node-libgpiod@${version}`, work);
    run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--silent'], pkg);
    rebuildForThisNode(pkg, cacheRoot);
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
