// `kubeblink led doctor` (issue 22, point 3): what it prints on a host that is not a Pi (virtual
// board) and on a Pi 5 with the gpiochip board over node-libgpiod as seen from JavaScript; the same
// over the real addon and the stub C library is in gpiochip-native.int.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Gpiod } from '../src/boards/gpiochip.ts';
import { runDoctor } from '../src/led-doctor.ts';

const dir = mkdtempSync(join(tmpdir(), 'kubeblink-doctor-'));
const groupFile = join(dir, 'group');
// The fake device nodes belong to this test's group, named `tester` here.
writeFileSync(groupFile, `tester:x:${process.getgid?.()}:\ngpio:x:997:pi\n`);

/** A fake /dev with these chip nodes, mode 0660 as on Raspberry Pi OS. */
function devWith(...chips: string[]): string {
  const dev = mkdtempSync(join(dir, 'dev-'));
  for (const c of chips) {
    writeFileSync(join(dev, c), '');
    chmodSync(join(dev, c), 0o660);
  }
  return dev;
}

const COMPACT_LEDS = [
  '  LED 1/7: pin 17, slot 1 state (green)',
  '  LED 2/7: pin 27, slot 2 state (green)',
  '  LED 3/7: pin 22, slot 3 state (green)',
  '  LED 4/7: pin 5, slot 4 state (green)',
  '  LED 5/7: pin 6, slot 5 state (green)',
  '  LED 6/7: pin 13, slot 6 state (green)',
  '  LED 7/7: pin 26, status status (white)',
];

describe('led doctor', () => {
  it('virtual board: says why, finds no chip, lights each LED of the layout once, in order', async () => {
    const lines: string[] = [];
    const record = join(dir, 'virtual.json');
    const devDir = devWith();
    const code = await runDoctor({
      settings: { board: 'auto', layout: 'compact', virtualRecord: record },
      stepMs: 0,
      out: (l) => lines.push(l),
      host: { modelPath: join(dir, 'no-model'), devDir, groupFile, groups: [1000], uid: 1000 },
    });
    assert.equal(code, 0);
    assert.deepEqual(lines, [
      `board: virtual (auto: ${join(dir, 'no-model')} is missing: not a Raspberry Pi)`,
      `device nodes: no ${devDir}/gpiochip*`,
      'permission: ok',
      'layout compact: 7 LEDs, each lit for 0 ms in turn',
      ...COMPACT_LEDS,
      'done: every LED was lit once, all are off',
    ]);
    const { writes, final } = JSON.parse(readFileSync(record, 'utf8'));
    assert.deepEqual(
      writes.map((w: { pin: number; value: number }) => `${w.pin}=${w.value}`),
      [17, 27, 22, 5, 6, 13, 26].flatMap((p) => [`${p}=1`, `${p}=0`]),
    );
    assert.deepEqual(Object.values(final), [0, 0, 0, 0, 0, 0, 0]);
  });

  it('gpiochip board on a Pi 5: chips and labels, the header chip, the missing gpio group, each LED', async () => {
    const modelPath = join(dir, 'model');
    writeFileSync(modelPath, 'Raspberry Pi 5 Model B Rev 1.0\0');
    const writes: string[] = [];
    const gpiod: Gpiod = {
      getChipNames: () => ['gpiochip0', 'gpiochip4'],
      Chip: class {
        readonly name: string;
        readonly label: string;
        readonly numberOfLines: number;
        readonly lineNames: string[] = [];
        constructor(id: number | string) {
          this.name = String(id);
          [this.label, this.numberOfLines] = id === 'gpiochip4' ? ['pinctrl-rp1', 54] : ['gpio-brcmstb@107d508500', 32];
        }
        getLine(offset: number) {
          return {
            requestOutputMode: () => writes.push(`request ${offset}`),
            setValue: (v: number) => writes.push(`${offset}=${v}`),
            release: () => writes.push(`release ${offset}`),
          };
        }
      },
    };
    const lines: string[] = [];
    const devDir = devWith('gpiochip0', 'gpiochip4');
    mkdirSync(join(devDir, 'gpiochip-not-a-chip'));
    const code = await runDoctor({
      settings: { board: 'auto', layout: 'compact' },
      stepMs: 0,
      out: (l) => lines.push(l),
      host: { modelPath, devDir, groupFile, groups: [1000], uid: 1000 },
      load: async () => gpiod,
    });
    assert.equal(code, 1);
    assert.deepEqual(lines, [
      `board: gpiochip (auto: ${modelPath} says "Raspberry Pi 5 Model B Rev 1.0")`,
      'device nodes:',
      `  ${devDir}/gpiochip0  group tester, mode 660: read/write ok`,
      `  ${devDir}/gpiochip4  group tester, mode 660: read/write ok`,
      'chips (node-libgpiod):',
      '  gpiochip0  gpio-brcmstb@107d508500  32 lines',
      '  gpiochip4  pinctrl-rp1  54 lines',
      'header chip: gpiochip4 (pinctrl-rp1) by its label',
      'permission:',
      '  MISSING this user is not in the gpio group (gid 997): sudo usermod -aG gpio $USER, log in again',
      'layout compact: 7 LEDs, each lit for 0 ms in turn',
      ...COMPACT_LEDS,
      'done, with the problems above',
    ]);
    const pins = [17, 27, 22, 5, 6, 13, 26];
    assert.deepEqual(writes, [
      ...pins.map((p) => `request ${p}`),
      ...pins.flatMap((p) => [`${p}=1`, `${p}=0`]),
      ...pins.map((p) => `release ${p}`),
    ]);
  });

  it('runs as `kubeblink led doctor`, taking the led options', () => {
    const cli = join(import.meta.dirname, '..', '..', 'cli', 'bin', 'kubeblink.js');
    const r = spawnSync(
      process.execPath,
      [cli, 'led', 'doctor', '--board', 'virtual', '--layout', 'compact', '--step', '0'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout.trim().split('\n');
    assert.equal(out[0], 'board: virtual (asked for with --board, KUBEBLINK_BOARD or the config file)');
    assert.deepEqual(out.slice(-8), [...COMPACT_LEDS, 'done: every LED was lit once, all are off']);
    const bad = spawnSync(process.execPath, [cli, 'led', 'doctor', '--board', 'virtual', '--layout', 'nope'], {
      encoding: 'utf8',
    });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^kubeblink led doctor: invalid LED layout nope:\n {2}- not a built-in layout/);
    assert.equal(bad.stdout, '');
  });
});
