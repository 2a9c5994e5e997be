// The kit's main entry must load in a browser: no Node built-in module anywhere in its own import
// graph (kubeblink sources; third-party packages are reached through their browser builds), and no
// Node-only globals. This walks the real graph as Node resolves it, so a new import cannot slip by.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm;
const NODE_GLOBALS = /\b(Buffer|process|__dirname|require)\s*[.(]/;

function walk(url: string, seen: Map<string, string[]>): void {
  if (seen.has(url)) return;
  const text = readFileSync(fileURLToPath(url), 'utf8');
  const specifiers = [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? '');
  seen.set(url, specifiers);
  for (const s of specifiers) {
    if (s.startsWith('node:') || builtinModules.includes(s)) continue; // reported by the test
    // Relative imports resolve against the importing file; bare ones the same from anywhere (one workspace).
    const resolved = s.startsWith('.') ? new URL(s, url).href : import.meta.resolve(s);
    if (resolved.includes('/node_modules/') && !resolved.includes('/@kubeblink/')) continue;
    if (resolved.endsWith('.ts')) walk(resolved, seen);
  }
}

it('the kit entry imports nothing Node-only', () => {
  const seen = new Map<string, string[]>();
  walk(import.meta.resolve('../src/index.ts'), seen);
  const files = [...seen.keys()].map((u) => u.replace(/^.*\/(packages|schemas)\//, '$1/'));
  // The graph really spans the kit, core's topics and decoder, and the schemas' validators.
  for (const f of ['packages/kit/src/kit.ts', 'packages/core/src/bus/decode.ts', 'schemas/src/validators.ts']) {
    assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
  }
  const problems: string[] = [];
  for (const [url, specifiers] of seen) {
    for (const s of specifiers)
      if (s.startsWith('node:') || builtinModules.includes(s)) problems.push(`${url} imports ${s}`);
    const code = readFileSync(fileURLToPath(url), 'utf8').replace(/^\s*(\/\/|\*|\/\*).*$/gm, '');
    const m = NODE_GLOBALS.exec(code);
    if (m) problems.push(`${url} uses ${m[1]}`);
  }
  assert.deepEqual(problems, []);
});

it('the Node-only BusClient adapter is a separate entry', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.deepEqual(pkg.exports, { '.': './src/index.ts', './bus': './src/bus.ts' });
});
