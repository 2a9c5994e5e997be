// Event type -> sound. The defaults cover every event and signal type of the schemas (a test checks),
// a mapping file overrides them one type at a time.
import { readFileSync } from 'node:fs';
import type { AppSignal, ClusterEvent, Sound, SoundMapping, Tone } from '@kubeblink/schemas';
import { validateConfig } from '@kubeblink/schemas';
import { parse as parseYaml } from 'yaml';

const UP: [Tone, Tone] = [
  { hz: 660, ms: 70 },
  { hz: 880, ms: 110 },
];
const DOWN: [Tone, Tone] = [
  { hz: 880, ms: 70 },
  { hz: 440, ms: 140 },
];

/** Spoken lifecycle news, beeps for the routine, silence for the per-request chatter of app signals. */
export const DEFAULT_SOUNDS: Required<SoundMapping> = {
  'io.kubeblink.pod.scheduled': { tone: [{ hz: 523, ms: 60 }], summary: '{count} pods scheduled' },
  'io.kubeblink.pod.started': { say: '{name} started on {node}', summary: '{count} pods started' },
  'io.kubeblink.pod.ready': { tone: UP, summary: '{count} pods ready' },
  'io.kubeblink.pod.unready': { say: '{name} is not ready', summary: '{count} pods not ready' },
  'io.kubeblink.pod.restarted': { say: '{name} crashed on {node}', summary: '{count} pods crashed' },
  'io.kubeblink.pod.crashloop': { say: '{name} is in a crash loop', summary: '{count} pods in a crash loop' },
  'io.kubeblink.pod.imagepull-failed': {
    say: '{name} cannot pull its image',
    summary: '{count} pods cannot pull their image',
  },
  'io.kubeblink.pod.config-error': { say: '{name} has a configuration error', summary: '{count} configuration errors' },
  'io.kubeblink.pod.terminating': { tone: DOWN, summary: '{count} pods terminating' },
  'io.kubeblink.pod.deleted': { tone: [{ hz: 330, ms: 120 }], summary: '{count} pods deleted' },
  'io.kubeblink.pod.succeeded': { say: '{name} completed', summary: '{count} pods completed' },
  'io.kubeblink.pod.failed': { say: '{name} failed', summary: '{count} pods failed' },
  'io.kubeblink.pod.evicted': { say: '{name} was evicted from {node}', summary: '{count} pods evicted' },
  'io.kubeblink.node.added': { say: 'node {name} joined', summary: '{count} nodes joined' },
  'io.kubeblink.node.ready': { say: 'node {name} is ready', summary: '{count} nodes ready' },
  'io.kubeblink.node.notready': { say: 'node {name} is not ready', summary: '{count} nodes not ready' },
  'io.kubeblink.node.unreachable': { say: 'node {name} is unreachable', summary: '{count} nodes unreachable' },
  'io.kubeblink.node.cordoned': { say: 'node {name} cordoned', summary: '{count} nodes cordoned' },
  'io.kubeblink.node.uncordoned': { say: 'node {name} uncordoned', summary: '{count} nodes uncordoned' },
  'io.kubeblink.node.deleted': { say: 'node {name} removed', summary: '{count} nodes removed' },
  'io.kubeblink.app.request': { off: true },
  'io.kubeblink.app.heartbeat': { off: true },
  'io.kubeblink.app.liveness': { off: true },
  'io.kubeblink.app.readiness': { off: true },
};

export class SoundMappingError extends Error {
  override name = 'SoundMappingError';
}

/** The defaults with a mapping file's entries on top; a bad file is refused with every problem listed. */
export function loadSounds(file?: string): Record<string, Sound> {
  if (!file) return { ...DEFAULT_SOUNDS };
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SoundMappingError(`sound mapping ${file}: ${(err as Error).message}`);
  }
  // Name unknown keys first: the schema's propertyNames error does not say which key it was.
  const unknown = Object.keys((doc ?? {}) as object).filter((k) => !(k in DEFAULT_SOUNDS));
  if (unknown.length) {
    throw new SoundMappingError(
      `sound mapping ${file}: unknown event type(s) ${unknown.join(', ')}; known: ${Object.keys(DEFAULT_SOUNDS).join(', ')}`,
    );
  }
  const result = validateConfig('soundMapping', doc ?? {});
  if (!result.ok) throw new SoundMappingError(`sound mapping ${file}:\n  - ${result.errors.join('\n  - ')}`);
  return { ...DEFAULT_SOUNDS, ...result.value };
}

/** One thing to play: words, beeps, or both (beeps first). */
export interface Cue {
  type: string;
  text?: string;
  tone?: { hz: number; ms: number }[];
}

/** What an event or signal sounds like, or null when its type is off (or has neither words nor beeps). */
export function cueFor(sounds: Record<string, Sound>, e: ClusterEvent | AppSignal): Cue | null {
  const s = sounds[e.type];
  if (!s || s.off || (!s.say && !s.tone)) return null;
  const d = e.data as unknown as Record<string, unknown>;
  const vars: Record<string, unknown> = { ...d, name: d.name ?? d.pod, node: d.node ?? 'no node' };
  return { type: e.type, ...(s.say ? { text: fill(s.say, vars) } : {}), ...(s.tone ? { tone: s.tone } : {}) };
}

/** The cue for `count` coalesced events of one type: the type's summary, or a generic one. */
export function summaryCue(sounds: Record<string, Sound>, type: string, count: number): Cue {
  const s = sounds[type];
  const template = s?.summary ?? `{count} times ${type.replace(/^io\.kubeblink\./, '').replace(/[.-]/g, ' ')}`;
  return { type, text: fill(template, { count }) };
}

function fill(template: string, vars: Record<string, unknown>): string {
  // A placeholder the event does not carry is spoken as "unknown", never as "{reason}".
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const v = vars[key];
    return v === undefined || v === null ? 'unknown' : String(v);
  });
}
