// Where `up` shows itself. On a terminal ("live"): the combined picture (view.ts) redrawn in place
// on the alternate screen, at most 20 times a second and only when it changed, cut to the window so
// it never scrolls; service logs go to a file, so nothing tears it. Otherwise ("lines"): one plain
// line per step and per bus event, for pipes, CI logs and tests.
import type { Component } from '@kubeblink/core';
import { renderView, type ViewModel } from './view.ts';

export interface ScreenOptions {
  out: NodeJS.WriteStream | NodeJS.WritableStream;
  mode: 'live' | 'lines';
  model: () => ViewModel;
  fps?: number;
  /** The terminal went away (a write failed with EIO/EPIPE): called once, so `up` can shut down cleanly. */
  onGone?: () => void;
}

const ALT_ON = '\x1b[?1049h\x1b[?25l';
const ALT_OFF = '\x1b[?25h\x1b[?1049l';

export class Screen implements Component {
  readonly name = 'screen';
  private timer: NodeJS.Timeout | undefined;
  private last = '';
  private live = false;
  private readonly o: ScreenOptions;
  private gone = false;
  private readonly restore = () => {
    if (this.live) this.write(ALT_OFF);
  };

  constructor(o: ScreenOptions) {
    this.o = o;
    // A closed terminal makes every later write fail (EIO on a pty, EPIPE on a pipe). Unhandled, that
    // error would end the process at once and leave the cluster and the demo app running; instead
    // nothing more is written and `up` takes the same way out as Ctrl-C.
    o.out.on('error', (err: NodeJS.ErrnoException) => {
      if (this.gone) return;
      this.gone = true;
      clearInterval(this.timer);
      this.timer = undefined;
      if (err.code !== 'EIO' && err.code !== 'EPIPE')
        process.emitWarning(`kubeblink up: output failed: ${err.message}`);
      o.onGone?.();
    });
  }

  private write(text: string): void {
    if (!this.gone) this.o.out.write(text);
  }

  get mode(): 'live' | 'lines' {
    return this.o.mode;
  }

  async start(): Promise<void> {
    if (this.o.mode !== 'live') return;
    this.live = true;
    this.write(ALT_ON);
    // Whatever ends the process, the terminal gets its normal screen and cursor back.
    process.once('exit', this.restore);
    this.timer = setInterval(() => this.draw(), 1000 / (this.o.fps ?? 20));
    this.draw();
  }

  /** A line for the plain output (ignored while the picture is live: it shows the same). */
  print(line: string): void {
    if (this.o.mode === 'lines') this.write(`${line}\n`);
  }

  /** After the picture: a line on the normal screen (the shutdown summary). */
  after(line: string): void {
    if (!this.live) this.write(`${line}\n`);
    else this.pending.push(line);
  }

  private readonly pending: string[] = [];

  draw(): void {
    const out = this.o.out as NodeJS.WriteStream;
    const width = Math.max(40, out.columns ?? 100);
    const rows = Math.max(10, out.rows ?? 40);
    // One row stays free: writing the last row's newline would scroll the alternate screen.
    const lines = renderView(this.o.model(), { color: true, width, eventLines: 6, height: rows - 1 }).slice(
      0,
      rows - 1,
    );
    const frame = `\x1b[H${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n\x1b[J`;
    if (frame === this.last) return;
    this.last = frame;
    this.write(frame);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.live) {
      this.live = false;
      process.off('exit', this.restore);
      this.write(ALT_OFF);
    }
    for (const l of this.pending.splice(0)) this.write(`${l}\n`);
  }
}
