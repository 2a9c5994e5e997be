// Issue 22: the raspi board refuses a Pi 5 (pigpio has no RP1 support) with a message naming the
// gpiochip board, before raspi-io (and pigpio's /dev/mem mapping) is loaded.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { silentLogger } from '@kubeblink/core';
import { RaspiBoard } from '../src/boards/raspi.ts';

it('raspi board on a Pi 5: refuses, names the gpiochip board, never loads raspi-io', async () => {
  const modelPath = join(mkdtempSync(join(tmpdir(), 'kubeblink-pi5-')), 'model');
  writeFileSync(modelPath, 'Raspberry Pi 5 Model B Rev 1.0\0');
  const loaded: string[] = [];
  const board = new RaspiBoard({
    log: silentLogger(),
    leds: [],
    modelPath,
    load: async (name) => {
      loaded.push(name);
      throw new Error('must not be loaded');
    },
  });
  await assert.rejects(
    board.open([{ pin: 17, pwm: false }]),
    /^BoardError: the raspi board cannot drive a Raspberry Pi 5 Model B Rev 1\.0: pigpio does not support the Pi 5's RP1 chip; use --board gpiochip \(no root needed\)$/,
  );
  assert.deepEqual(loaded, []);
});
