export { boardNames, isRaspberryPi, registerBoard, resolveBoard } from './boards/board-registry.ts';
export type { BoardBackend, BoardContext, BoardFactory } from './boards/board-types.ts';
export { VirtualBoard } from './boards/virtual.ts';
export { ledCommand } from './command.ts';
export { LedService, runLed } from './led-service.ts';
