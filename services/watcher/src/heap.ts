// V8 heap sizing for the watcher (docs/watcher.md, "Memory and speed"). V8 sizes its heap for the
// machine (on a 24 GB machine each young-generation semi-space may grow to 64 MB) and grows it during
// a burst of allocation such as the first sync of a large cluster, where almost everything allocated
// (list pages, parsed objects) is garbage a moment later; the pages it touched stay in RSS. Measured
// at 10,000 pods: a 300 MB peak for a live heap of about 45 MB. Two flags bound that:
// - the young generation stays at its initial size (semi-space growth factor 1): more, shorter
//   scavenges instead of up to 128 MB of young generation;
// - the old generation may grow by 10% of what survived the last full collection before the next one
//   (V8's default is a factor of up to 4 on a big machine): more full collections during the sync (it
//   takes a little longer), and a heap that stays close to the live objects.
// Both flags are read whenever V8 resizes the heap, so they take effect when set here, at run time,
// before the sync. --max-semi-space-size, by contrast, is read only at start-up: the deployment gives
// --max-semi-space-size=1 in NODE_OPTIONS (deploy/base/watcher.yaml; a young generation of 3 MB instead
// of about 17 MB at the sync's peak). Flags given explicitly (NODE_OPTIONS or the command line) win:
// then nothing is set here.
import { setFlagsFromString } from 'node:v8';

export const WATCHER_V8_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=10'];

export function boundHeapGrowth(
  given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)],
): string[] {
  const names = new Set(given.map((f) => f.replace(/=.*$/, '').replaceAll('_', '-')));
  const set = WATCHER_V8_FLAGS.filter((f) => !names.has(f.replace(/=.*$/, '')));
  for (const f of set) setFlagsFromString(f);
  return set;
}
