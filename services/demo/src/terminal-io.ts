// The demo's terminal: narration on stdout (wrapped to the terminal's width), the progress line on
// stderr (redrawn in place on a terminal; otherwise one line per 10 s of waiting, so logs stay short),
// and Enter between steps.
import { createInterface } from 'node:readline/promises';
import type { DemoIO } from './step-runner.ts';
import { DemoInterrupted } from './wait.ts';

/** Wraps each line at `width` columns, keeping a line's leading indentation on its continuations. */
export function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.length <= width) return line;
      const indent = /^\s*/.exec(line)?.[0] ?? '';
      const out: string[] = [];
      let cur = '';
      for (const word of line.trim().split(/\s+/)) {
        if (cur && indent.length + cur.length + 1 + word.length > width) {
          out.push(indent + cur);
          cur = word;
        } else cur = cur ? `${cur} ${word}` : word;
      }
      if (cur) out.push(indent + cur);
      return out.join('\n');
    })
    .join('\n');
}

export function terminalIO(): DemoIO {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  let since = Date.now();
  return {
    // A pseudo-terminal may report 0 columns: then (and beyond 100) 100.
    out: (text) => process.stdout.write(`${wrap(text, Math.max(40, Math.min(process.stdout.columns || 100, 100)))}\n`),
    progress(line) {
      if (line === null) {
        if (shown && tty) process.stderr.write('\r\x1b[K');
        shown = false;
        since = Date.now();
        return;
      }
      if (tty) {
        process.stderr.write(`\r\x1b[K${line}`);
        shown = true;
      } else if (Date.now() - since >= 10_000) {
        since = Date.now();
        process.stderr.write(`${line}\n`);
      }
    },
    async pause(prompt, signal) {
      if (!process.stdin.isTTY) throw new Error('stdin is not a terminal: add --yes to run the demo unattended');
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        await rl.question(prompt, { signal });
      } catch (err) {
        if (signal?.aborted) throw new DemoInterrupted();
        throw err;
      } finally {
        rl.close();
      }
    },
  };
}
