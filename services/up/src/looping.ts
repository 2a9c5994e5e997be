// A recording replayed in a loop: when it ends, after a pause, it starts over. The recording begins
// with a full list of pods and nodes (a sync), so each new round is a relist for the watcher: pods
// the recording created are removed again and the first picture comes back, then the story replays.
// (Event ids repeat from round to round, so a subscriber that drops duplicates, like the LED engine,
// shows a restart's triple flash in the first round only; the states change every round.)
import type { Logger } from '@kubeblink/core';
import type { RecordingSource, Source } from '@kubeblink/watcher';
import { heavy } from './heavy.ts';

type SourceListener = Parameters<Source['start']>[0];

export interface LoopingOptions {
  file: string;
  speed: number;
  log: Logger;
  pauseMs?: number;
  /** Called at the start of every round (1, 2, ...). */
  onRound?: (round: number) => void;
}

export class LoopingRecording implements Source {
  readonly name = 'recording-loop';
  round = 0;
  private current: RecordingSource | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly o: LoopingOptions;

  constructor(o: LoopingOptions) {
    this.o = o;
  }

  async start(listener: SourceListener): Promise<void> {
    this.stopped = false;
    await this.play(listener);
  }

  private async play(listener: SourceListener): Promise<void> {
    if (this.stopped) return;
    this.round++;
    this.o.onRound?.(this.round);
    const { RecordingSource } = await heavy.watcher();
    this.current = new RecordingSource({
      file: this.o.file,
      speed: this.o.speed,
      log: this.o.log,
      onEnd: () => {
        if (this.stopped) return;
        this.timer = setTimeout(() => {
          this.play(listener).catch((err) => this.o.log.error({ err }, 'recording round failed'));
        }, this.o.pauseMs ?? 3000);
      },
    });
    await this.current.start(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current?.stop();
  }
}
