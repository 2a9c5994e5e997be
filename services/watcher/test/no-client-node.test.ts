// The watcher's memory aim rests on never loading @kubernetes/client-node (about 50 MB of RSS, see
// packages/kube/src/kubeconfig.ts): `kubeblink watcher`'s modules and @kubeblink/kube/plain load it
// neither directly nor through another package. A child process records every module it resolves.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

const modules = [
  new URL('../src/main.ts', import.meta.url).href,
  new URL('../src/source/informer.ts', import.meta.url).href,
  '@kubeblink/kube/plain',
];

function resolvedBy(specifier: string): string[] {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = [];
    registerHooks({ resolve(s, c, next) { const r = next(s, c); seen.push(r.url); return r; } });
    await import(${JSON.stringify(specifier)});
    process.stdout.write(JSON.stringify(seen));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('.', import.meta.url),
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

for (const m of modules) {
  test(`${m.replace(/^.*\/services\//, 'services/')} loads no @kubernetes/client-node`, () => {
    const seen = resolvedBy(m);
    assert.ok(
      seen.some((u) => u.includes('/packages/kube/src/')),
      'the plain kube modules are loaded (the check sees them)',
    );
    assert.deepEqual(
      seen.filter((u) => u.includes('/@kubernetes/client-node/')),
      [],
    );
  });
}
