export { boardNames, isRaspberryPi, registerBoard, resolveBoard } from './boards/registry.ts';
export type { BoardBackend, BoardContext, BoardFactory } from './boards/types.ts';
export { VirtualBoard } from './boards/virtual.ts';
export { ledCommand } from './command.ts';
export { LedService, runLed } from './service.ts';
