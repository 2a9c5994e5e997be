// Sound out through Debian's tools: espeak-ng renders speech, sox renders tones (and joins the two),
// aplay (alsa-utils) or sox's `play` plays the file. Whatever is missing is said once, clearly, and
// the cue is printed instead of played: the service never fails for want of a speaker.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { Cue } from './mapping.ts';

const run = promisify(execFile);

export interface AudioTools {
  espeak?: string;
  sox?: string;
  /** aplay, or sox's play. */
  player?: string;
}

/** Finds an executable in PATH (what `command -v` does). */
export function which(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

export function detectTools(path?: string): AudioTools {
  return {
    espeak: which('espeak-ng', path) ?? which('espeak', path),
    sox: which('sox', path),
    player: which('aplay', path) ?? which('play', path),
  };
}

/** What cannot be played with these tools, as advice for the log (empty when everything is there). */
export function missingTools(tools: AudioTools): string[] {
  const out: string[] = [];
  if (!tools.espeak) out.push('espeak-ng is not installed: speech is printed instead (apt-get install espeak-ng)');
  if (!tools.sox) out.push('sox is not installed: tones are printed instead (apt-get install sox)');
  if (!tools.player)
    out.push('neither aplay nor play is installed: nothing can be played (apt-get install alsa-utils)');
  return out;
}

/** Whether these tools can render (and play) every part of the cue. */
export function canPlay(cue: Cue, tools: AudioTools, needPlayer = true): boolean {
  if (needPlayer && !tools.player) return false;
  if (cue.text && !tools.espeak) return false;
  if (cue.tone && !tools.sox) return false;
  if (cue.text && cue.tone && !tools.sox) return false;
  return true;
}

/** One line per cue, as --dry-run prints it. */
export function describeCue(cue: Cue): string {
  const parts: string[] = [];
  if (cue.tone) parts.push(`tone: ${cue.tone.map((t) => `${t.hz} Hz ${t.ms} ms`).join(', ')}`);
  if (cue.text) parts.push(`say: ${cue.text}`);
  return parts.join('; ');
}

export interface Voice {
  voice: string;
  speed: number;
}

// espeak-ng writes 22.05 kHz mono 16-bit WAV; tones use the same format so that sox can join them.
const FORMAT = ['-r', '22050', '-c', '1', '-b', '16'];

/** Renders a cue into a WAV file (tones first, then speech). */
export async function renderCue(cue: Cue, file: string, tools: AudioTools, voice: Voice): Promise<void> {
  if (!canPlay(cue, tools, false))
    throw new Error(`cannot render ${describeCue(cue)}: ${missingTools(tools).join('; ')}`);
  const dir = await mkdtemp(join(tmpdir(), 'kubeblink-sound-'));
  try {
    const parts: string[] = [];
    if (cue.tone) {
      const tone = join(dir, 'tone.wav');
      // sox's ':' starts a new effects chain; their outputs are appended (sox(1), "Multiple effects chains").
      const chains = cue.tone.flatMap((t, i) => [
        ...(i ? [':'] : []),
        'synth',
        String(t.ms / 1000),
        'sine',
        String(t.hz),
        'vol',
        '0.5',
      ]);
      await run(tools.sox!, ['-n', ...FORMAT, tone, ...chains]);
      parts.push(tone);
    }
    if (cue.text) {
      const speech = join(dir, 'speech.wav');
      // `--` so that a pod name can never be taken for an option.
      await run(tools.espeak!, ['-v', voice.voice, '-s', String(voice.speed), '-w', speech, '--', cue.text]);
      parts.push(speech);
    }
    if (parts.length === 1) await copyFile(parts[0]!, file);
    else await run(tools.sox!, [...parts, file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function playFile(file: string, tools: AudioTools): Promise<void> {
  if (!tools.player) throw new Error('no player (aplay or play) installed');
  await run(tools.player, ['-q', file]);
}
