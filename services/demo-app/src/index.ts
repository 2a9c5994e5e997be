export { demoAppCommand } from './command.ts';
export { createDemoApp } from './main.ts';
