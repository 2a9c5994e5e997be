// The seven demos of the talk, in the order it shows them.
import type { Demo } from '../demo.ts';
import { badImage } from './bad-image.ts';
import { crashLoop } from './crash-loop.ts';
import { crashRestart } from './crash-restart.ts';
import { hpa } from './hpa.ts';
import { nodeFailure } from './node-failure.ts';
import { rollingUpdate } from './rolling-update.ts';
import { statefulset } from './statefulset.ts';

export const DEMOS: readonly Demo[] = [nodeFailure, crashRestart, rollingUpdate, badImage, crashLoop, hpa, statefulset];

export function findDemo(name: string): Demo | undefined {
  return DEMOS.find((d) => d.name === name);
}
