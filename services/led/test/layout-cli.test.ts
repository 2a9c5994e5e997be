// Custom layout files and the `kubeblink led` command line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LayoutError } from '@kubeblink/led-engine';
import { list, loadLayout } from '../src/layout-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'kubeblink-layout-'));
const cli = join(import.meta.dirname, '..', '..', 'cli', 'bin', 'kubeblink.js');

describe('layout files', () => {
  it('reads a YAML layout and checks it', () => {
    const file = join(dir, 'two.yaml');
    writeFileSync(
      file,
      [
        'name: two-slots',
        'activeLow: true',
        'status: { role: status, pin: 21, color: white }',
        'slots:',
        '  - leds: [{ role: state, pin: 17, pwm: true }, { role: request, pin: GPIO27, color: blue }]',
        '  - leds: [{ role: state, pin: 22 }]',
      ].join('\n'),
    );
    const layout = loadLayout(file);
    assert.equal(layout.name, 'two-slots');
    assert.deepEqual(
      layout.slots.map((s) => s.leds.map((l) => l.pin)),
      [[17, 'GPIO27'], [22]],
    );
    assert.equal(loadLayout('talk').name, 'talk');
  });

  it('refuses a bad file with every problem listed', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'bad', slots: [{ leds: [{ role: 'disco', pin: 4 }] }], extra: 1 }));
    assert.throws(
      () => loadLayout(file),
      (err: unknown) =>
        err instanceof LayoutError &&
        err.problems.some((p) => p.includes("must NOT have additional properties 'extra'")) &&
        err.problems.some((p) => p.includes('/slots/0/leds/0/role must be equal to one of the allowed values')),
    );
    assert.throws(
      () => loadLayout(join(dir, 'nope.yaml')),
      /not a built-in layout \(talk, compact\) and not a readable file/,
    );
    writeFileSync(join(dir, 'broken.yaml'), 'name: [');
    assert.throws(() => loadLayout(join(dir, 'broken.yaml')), /not YAML or JSON/);
  });

  it('splits comma lists', () => {
    assert.deepEqual(list(' demo, shop,,'), ['demo', 'shop']);
    assert.deepEqual(list(undefined), []);
  });
});

describe('kubeblink led', () => {
  it('documents its options in --help', () => {
    const r = spawnSync(process.execPath, [cli, 'led', '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const flag of [
      '--node',
      '--board <auto|raspi|gpiochip|virtual>',
      '--layout',
      '--fps',
      '--namespaces',
      '--exclude-namespaces',
      '--selector',
      '--render <none|terminal>',
      '--virtual-record',
      '--gpio-chip',
    ]) {
      assert.ok(r.stdout.includes(flag), `--help mentions ${flag}`);
    }
  });

  it('exits 2 with the reason for a bad layout or selector, before touching any pin', () => {
    const bad = spawnSync(
      process.execPath,
      [cli, 'led', '--node', 'pi1', '--board', 'virtual', '--layout', join(dir, 'missing.yaml')],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /kubeblink led: invalid LED layout .*missing\.yaml/);
    const sel = spawnSync(
      process.execPath,
      [cli, 'led', '--node', 'pi1', '--board', 'virtual', '--selector', 'app=web!'],
      { encoding: 'utf8' },
    );
    assert.equal(sel.status, 2);
    assert.match(sel.stderr, /invalid label value "web!"/);
  });
});
