// Which images the pod runner can "pull". It runs only the demo app's own code, so the only known
// image is kubeblink/demo-app (any registry, any tag: the tag becomes the app's version); every
// other image fails to pull, as a kubelet's would for an image that does not exist.
import { createHash } from 'node:crypto';

export type ImageResolution =
  | { ok: true; image: string; imageID: string; version: string }
  | { ok: false; reason: 'ErrImagePull' | 'InvalidImageName'; message: string };

// The reference grammar of github.com/distribution/reference, reduced to what decides here.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
const REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$`,
);

export const DEMO_APP_REPOSITORY = 'kubeblink/demo-app';

export interface ParsedImage {
  domain: string;
  path: string;
  tag?: string;
  digest?: string;
}

export function parseImage(ref: string): ParsedImage | undefined {
  const m = REFERENCE.exec(ref);
  if (!m || ref.length > 255) return undefined;
  let [, domain, path = ''] = m;
  // As in the Docker CLI: the first part is a registry only if it looks like a host.
  if (domain && !/[.:]/.test(domain) && domain !== 'localhost') {
    path = `${domain}/${path}`;
    domain = undefined;
  }
  if (!domain) {
    domain = 'docker.io';
    if (!path.includes('/')) path = `library/${path}`;
  }
  return { domain, path, tag: m[3], digest: m[4] };
}

/** The image as containerd reports it: fully qualified, with the default tag. */
function normalized(p: ParsedImage): string {
  const tag = p.tag ?? (p.digest ? undefined : 'latest');
  return `${p.domain}/${p.path}${tag ? `:${tag}` : ''}${p.digest ? `@${p.digest}` : ''}`;
}

export function resolveImage(ref: string): ImageResolution {
  const p = parseImage(ref);
  if (!p) {
    return {
      ok: false,
      reason: 'InvalidImageName',
      message: `Failed to apply default image tag "${ref}": couldn't parse image name "${ref}": invalid reference format`,
    };
  }
  const image = normalized(p);
  // Any registry: a mirror or a private registry holding the demo app is still the demo app.
  if (p.path !== DEMO_APP_REPOSITORY && !p.path.endsWith(`/${DEMO_APP_REPOSITORY}`)) {
    return {
      ok: false,
      reason: 'ErrImagePull',
      message: `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": ${image}: not found (the simulated cluster runs only ${DEMO_APP_REPOSITORY} images)`,
    };
  }
  const version = p.tag ?? 'latest';
  // A stable stand-in for the content digest: the same reference always "pulls" the same image.
  const digest = p.digest ?? `sha256:${createHash('sha256').update(`${p.path}:${version}`).digest('hex')}`;
  return { ok: true, image, imageID: `${p.domain}/${p.path}@${digest}`, version };
}
