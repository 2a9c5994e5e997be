// A child process whose stdout is collected line by line, for tests that run examples and commands.
import { type ChildProcess, spawn } from 'node:child_process';
import { until } from './wait.ts';

export class ChildLines {
  readonly lines: string[] = [];
  stderr = '';
  exitCode: number | null | undefined;
  private readonly child: ChildProcess;
  private partial = '';

  constructor(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
    this.child = spawn(command, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.child.on('exit', (code) => {
      this.exitCode = code;
    });
  }

  /** Waits until at least `n` lines have been printed (fails early, with stderr, if the process exits). */
  async waitForLines(n: number, ms = 20_000): Promise<string[]> {
    try {
      await until(
        () => {
          if (this.exitCode !== undefined && this.lines.length < n) throw new Error(`exited with ${this.exitCode}`);
          return this.lines.length >= n;
        },
        `${n} lines of output`,
        ms,
      );
    } catch (err) {
      // What the process said by now, not when the wait began.
      throw new Error(`${(err as Error).message}; have ${JSON.stringify(this.lines)}; stderr:\n${this.stderr}`);
    }
    return this.lines;
  }

  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }
}
