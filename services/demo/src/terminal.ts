// The demo's terminal: narration on stdout, the progress line on stderr (redrawn in place on a
// terminal, one line every 10 s otherwise), and Enter between steps.
import { createInterface } from 'node:readline/promises';
import type { DemoIO } from './runner.ts';
import { DemoInterrupted } from './wait.ts';

export function terminalIO(): DemoIO {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  let lastLine = 0;
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    progress(line) {
      if (line === null) {
        if (shown && tty) process.stderr.write('\r\x1b[K');
        shown = false;
        return;
      }
      if (tty) {
        process.stderr.write(`\r\x1b[K${line}`);
        shown = true;
      } else if (Date.now() - lastLine >= 10_000) {
        lastLine = Date.now();
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
