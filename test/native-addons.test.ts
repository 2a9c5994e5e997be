// Native addons must be built for Node 24 (not the machine's older Node): load each one under the
// project's Node. An addon built against other headers fails here with NODE_MODULE_VERSION mismatch.
import assert from 'node:assert/strict';
import { globSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
// Built addons live in build/Release; prebuilt ones for this platform under prebuilds/<platform>-<arch>.
const addons = globSync('node_modules/**/{build/Release/*.node,prebuilds/linux-x64/*.node}', { cwd: root }).filter(
  (f) => !f.includes('musl'),
);

describe('native addons', () => {
  it(`runs under Node 24 (${addons.length} addon(s) found)`, () => {
    assert.equal(process.versions.node.split('.')[0], '24');
  });
  for (const addon of addons) {
    it(`loads ${addon}`, () => {
      assert.doesNotThrow(() => require(join(root, addon)));
    });
  }
});
