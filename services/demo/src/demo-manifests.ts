// Where the demos' manifests are (deploy/demos/<name>/ of this checkout, also in the container image)
// and the one change the command makes to them: the demo app image from another registry.
import { fileURLToPath } from 'node:url';
import { readManifests } from '@kubeblink/kube';
import type { KubernetesObject } from '@kubernetes/client-node';
import { withImage } from './demos/helpers.ts';

export const DEMOS_DIR = fileURLToPath(new URL('../../../deploy/demos/', import.meta.url));

export function demoObjects(name: string, registry?: string): KubernetesObject[] {
  const objs = readManifests(`${DEMOS_DIR}${name}`);
  if (!registry) return objs;
  return withImage(objs, (image) => (image.startsWith('kubeblink/') ? `${registry}/${image}` : image));
}
