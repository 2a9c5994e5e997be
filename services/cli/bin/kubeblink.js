#!/usr/bin/env node
// Node 24 runs the TypeScript sources directly (type stripping); npm puts Node 24 first on the PATH
// of every npm script and `npx`, through the project's `node` devDependency.
import { enableCompileCache } from 'node:module';

// Node's compile cache keeps the type-stripped output of every .ts file (and V8's code cache) on
// disk: once warm, Node never loads its TypeScript stripper (amaro, a WebAssembly build of swc),
// which costs every process about 25 MB of RSS for its whole life. The directory is
// $NODE_COMPILE_CACHE, else <tmpdir>/node-compile-cache; the image ships a warm one (see
// deploy/images/Dockerfile). Where the directory cannot be written, Node simply runs without it.
// Enabled before main.ts is imported (hence the dynamic import): only later loads use the cache.
enableCompileCache();
const { main } = await import('../src/main.ts');

main(process.argv).catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
