// The boards by name. `auto` is not a board but a choice: gpiochip on a Raspberry Pi (its device tree
// says so), the virtual board anywhere else.
import { readFile } from 'node:fs/promises';
import { BoardError, type BoardFactory } from './board-types.ts';
import { gpiochipBoard } from './gpiochip.ts';
import { raspiBoard } from './raspi.ts';
import { virtualBoard } from './virtual.ts';

const registry = new Map<string, BoardFactory>();

export function registerBoard(factory: BoardFactory): void {
  registry.set(factory.name, factory);
}

export function boardNames(): string[] {
  return [...registry.keys()];
}

for (const b of [virtualBoard, gpiochipBoard, raspiBoard]) registerBoard(b);

export const DEVICE_TREE_MODEL = '/proc/device-tree/model';

/** True when the device tree names a Raspberry Pi (e.g. "Raspberry Pi 5 Model B Rev 1.0"). */
export async function isRaspberryPi(modelPath = DEVICE_TREE_MODEL): Promise<boolean> {
  try {
    return (await readFile(modelPath, 'utf8')).includes('Raspberry Pi');
  } catch {
    return false;
  }
}

export async function resolveBoard(name: string, modelPath?: string): Promise<BoardFactory> {
  const chosen = name === 'auto' ? ((await isRaspberryPi(modelPath)) ? 'gpiochip' : 'virtual') : name;
  const factory = registry.get(chosen);
  if (!factory) throw new BoardError(`unknown board ${name}; one of auto, ${boardNames().join(', ')}`);
  return factory;
}
