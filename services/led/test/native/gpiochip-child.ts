// Child process of gpiochip-native.int.test.ts: the gpiochip board over the real node-libgpiod addon
// (argv[2], a directory), which the dynamic loader links to the stub libgpiod.so.2 (LD_LIBRARY_PATH
// set by the test). Run with --expose-gc. argv[3] `drop` makes it the old board that drops its chip;
// `doctor` runs `led doctor` over it instead (argv[4]: a directory with model, group and dev/).
import { createRequire } from 'node:module';
import { silentLogger } from '@kubeblink/core';
import { GpiochipBoard } from '../../src/boards/gpiochip.ts';
import { runDoctor } from '../../src/led-doctor.ts';

const [addonDir, variant] = process.argv.slice(2);
const gc = globalThis.gc;
if (!addonDir || !gc) throw new Error('usage: node --expose-gc gpiochip-child.ts ADDON_DIR [keep|drop]');
const gpiod = createRequire(`${addonDir}/`)('./index.js');

async function open(): Promise<GpiochipBoard> {
  const board = new GpiochipBoard({ log: silentLogger(), leds: [], load: async () => gpiod });
  await board.open([
    { pin: 17, pwm: false },
    { pin: 27, pwm: false },
  ]);
  if (variant === 'drop') Reflect.set(board, 'chip', undefined);
  return board;
}

if (variant === 'doctor') {
  const host = process.argv[4] ?? '.';
  process.exitCode = await runDoctor({
    settings: { board: 'auto', layout: 'compact' },
    stepMs: 0,
    host: { modelPath: `${host}/model`, devDir: `${host}/dev`, groupFile: `${host}/group`, groups: [997], uid: 1000 },
    load: async () => gpiod,
  });
  process.exit();
}

const board = await open();
// Full collections, each followed by a turn of the event loop, as between two LED frames.
for (let i = 0; i < 3; i++) {
  gc();
  await new Promise((r) => setImmediate(r));
}
try {
  board.write(17, 1);
  board.write(27, 1);
  board.write(17, 0);
} catch (err) {
  console.log(`write failed: ${(err as Error).message}`);
}
await board.close();
