#!/usr/bin/env node
// Node 24 runs the TypeScript sources directly (type stripping); npm puts Node 24 first on the PATH
// of every npm script and `npx`, through the project's `node` devDependency.
import { main } from '../src/main.ts';

main(process.argv).catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
