// Issue 22, point 1, below the JavaScript: the gpiochip board over the real node-libgpiod addon,
// built for this Node (native/native-gpiod.ts, cached in ~/.cache/kubeblink), linked to a stub
// libgpiod.so.2 (native/gpiod-stub.c) that has libgpiod 1.6's ownership rules and records every
// line request and value. A forced gc() runs between open and write.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { needTool } from '../../../test/support/system-tool.ts';
import { builtNodeLibgpiod, builtStub, GPIOD_BUILD_TOOLS } from './native/native-gpiod.ts';

const skip = needTool(GPIOD_BUILD_TOOLS);
const CHILD = join(import.meta.dirname, 'native', 'gpiochip-child.ts');
/** Pi 5 on a kernel before 6.6.45: gpiochip0 is the SoC's GPIO, the header is gpiochip4. */
const PI5_EARLY = 'gpiochip0=gpio-brcmstb@107d508500:32,gpiochip4=pinctrl-rp1:54';

describe('gpiochip board over node-libgpiod and a stub libgpiod 1.6', { skip }, () => {
  let addon = '';
  let stubDir = '';
  before(() => {
    addon = builtNodeLibgpiod();
    stubDir = builtStub(mkdtempSync(join(tmpdir(), 'kubeblink-gpiod-stub-')));
  });
  after(() => rmSync(stubDir, { recursive: true, force: true }));

  /** Runs the board in a child (the loader reads LD_LIBRARY_PATH at start); returns what the C library saw. */
  function runBoard(variant: 'keep' | 'drop' | 'doctor', ...more: string[]): { log: string[]; stdout: string } {
    const log = join(stubDir, `${variant}.log`);
    const r = spawnSync(process.execPath, ['--expose-gc', CHILD, addon, variant, ...more], {
      encoding: 'utf8',
      env: { ...process.env, LD_LIBRARY_PATH: stubDir, GPIOD_STUB_LOG: log, GPIOD_STUB_CHIPS: PI5_EARLY },
    });
    assert.equal(r.status, 0, r.stderr);
    return { log: readFileSync(log, 'utf8').trim().split('\n'), stdout: r.stdout.trim() };
  }

  it('keeps its chip through gc(): every write reaches the requested line', () => {
    const { log, stdout } = runBoard('keep');
    assert.equal(stdout, '');
    assert.deepEqual(log, [
      'open gpiochip0',
      'open gpiochip4',
      'request gpiochip4 17 output kubeblink-led 0',
      'request gpiochip4 27 output kubeblink-led 0',
      // The probed chip that is not the header's was collected: gc() really ran.
      'close gpiochip0',
      'set gpiochip4 17 1',
      'set gpiochip4 27 1',
      'set gpiochip4 17 0',
      'release gpiochip4 17',
      'release gpiochip4 27',
    ]);
  });

  it('a board that drops its chip: gc() closes the chip, its lines are released, the write fails EPERM', () => {
    const { log, stdout } = runBoard('drop');
    assert.equal(stdout, 'write failed: EPERM, Operation not permitted');
    assert.deepEqual(log.slice(4), [
      'close gpiochip0',
      'release gpiochip4 17 by chip close',
      'release gpiochip4 27 by chip close',
      'close gpiochip4',
      'set gpiochip4 17 1 refused: not requested',
    ]);
  });

  it('led doctor over it: the chips and labels the C library reports, the header chip, each LED lit in turn', () => {
    const host = join(stubDir, 'host');
    mkdirSync(join(host, 'dev'), { recursive: true });
    writeFileSync(join(host, 'model'), 'Raspberry Pi 5 Model B Rev 1.0\0');
    writeFileSync(join(host, 'group'), 'gpio:x:997:pi\n');
    const { log, stdout } = runBoard('doctor', host);
    const lines = stdout.split('\n');
    assert.deepEqual(lines.slice(0, 8), [
      `board: gpiochip (auto: ${host}/model says "Raspberry Pi 5 Model B Rev 1.0")`,
      `device nodes: no ${host}/dev/gpiochip*`,
      'chips (node-libgpiod):',
      '  gpiochip0  gpio-brcmstb@107d508500  32 lines',
      '  gpiochip4  pinctrl-rp1  54 lines',
      'header chip: gpiochip4 (pinctrl-rp1) by its label',
      'permission: ok',
      'layout compact: 7 LEDs, each lit for 0 ms in turn',
    ]);
    assert.equal(lines.at(-1), 'done: every LED was lit once, all are off');
    const pins = [17, 27, 22, 5, 6, 13, 26];
    assert.deepEqual(
      log.filter((l) => /^(request|set|release) gpiochip4 /.test(l)),
      [
        ...pins.map((p) => `request gpiochip4 ${p} output kubeblink-led 0`),
        ...pins.flatMap((p) => [`set gpiochip4 ${p} 1`, `set gpiochip4 ${p} 0`]),
        ...pins.map((p) => `release gpiochip4 ${p}`),
      ],
    );
  });
});
