// V8 heap sizing for the watcher (see README, Watcher, Memory and speed). V8 sizes its young
// generation from the machine's memory (on a 24 GB machine each semi-space may grow to 64 MB) and
// grows it during a burst of allocation such as the first sync of a large cluster, where almost
// everything allocated (list pages, parsed objects) is garbage a moment later; the pages it touched
// stay in RSS: 128 MB of a 300 MB peak at 10,000 pods, for a live heap of about 45 MB. Keeping the
// young generation at its initial size (a 1 MB semi-space) makes that peak small at the cost of
// more, shorter scavenges (the sync takes a little longer).
// --max-semi-space-size can only be given on Node's command line (NODE_OPTIONS); the growth factor
// is read each time V8 considers growing the young generation, so it takes effect when set at run
// time, before the sync. An explicit --max-semi-space-size or --semi-space-growth-factor (in
// NODE_OPTIONS or on the command line) is left alone.
import { setFlagsFromString } from 'node:v8';

export function capYoungGeneration(): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (given.some((f) => /^--(max-semi-space-size|semi-space-growth-factor)\b/.test(f.replaceAll('_', '-')))) {
    return false;
  }
  setFlagsFromString('--semi-space-growth-factor=1');
  if (process.env.WM_FLAGS) setFlagsFromString(process.env.WM_FLAGS);
  return true;
}
