// Plays cues one after another (speech must not overlap), from a short queue: the limiter keeps the
// rate down, and if playing is still slower than that, the oldest waiting cue is dropped and counted.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@kubeblink/core';
import { type AudioTools, describeCue, playFile, renderCue, type Voice } from './audio.ts';
import type { Cue } from './mapping.ts';

export type Outcome = 'played' | 'failed' | 'dropped';

export class Speaker {
  private readonly queue: Cue[] = [];
  private running: Promise<void> | undefined;
  private readonly tools: AudioTools;
  private readonly voice: Voice;
  private readonly log: Logger;
  private readonly count: (outcome: Outcome) => void;
  private readonly max: number;
  private warned = false;
  private stopped = false;

  constructor(opts: { tools: AudioTools; voice: Voice; log: Logger; count: (o: Outcome) => void; max?: number }) {
    this.tools = opts.tools;
    this.voice = opts.voice;
    this.log = opts.log;
    this.count = opts.count;
    this.max = opts.max ?? 8;
  }

  enqueue(cue: Cue): void {
    if (this.stopped) return;
    if (this.queue.length >= this.max) {
      const dropped = this.queue.shift()!;
      this.count('dropped');
      this.log.warn({ cue: describeCue(dropped) }, 'sound queue full: dropped the oldest cue');
    }
    this.queue.push(cue);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    await this.running;
  }

  private async drain(): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'kubeblink-speaker-'));
    try {
      for (let cue = this.queue.shift(); cue; cue = this.queue.shift()) {
        const file = join(dir, 'cue.wav');
        try {
          await renderCue(cue, file, this.tools, this.voice);
          await playFile(file, this.tools);
          this.count('played');
          this.log.debug({ cue: describeCue(cue) }, 'played');
        } catch (err) {
          this.count('failed');
          // A machine without a sound card fails every time: say it once at warn, then quietly.
          const level = this.warned ? 'debug' : 'warn';
          this.warned = true;
          this.log[level]({ err: (err as Error).message, cue: describeCue(cue) }, 'could not play a cue');
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
