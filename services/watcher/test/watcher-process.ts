// `kubeblink watcher` as users run it: the CLI in a child process, its /healthz, /readyz, /metrics on
// a free loopback port. Shared by the command's integration test and the sync benchmark
// (bench/sync.bench.ts), so both start the very same command.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { freePort } from '@kubeblink/core';
import { until } from '@kubeblink/test/support/wait';

export const CLI = new URL('../../cli/bin/kubeblink.js', import.meta.url).pathname;

export class WatcherProcess {
  readonly child: ChildProcess;
  readonly httpPort: number;
  /** The exit code once the process has exited; undefined while it runs. */
  exitCode: number | null | undefined;

  private constructor(child: ChildProcess, httpPort: number) {
    this.child = child;
    this.httpPort = httpPort;
    child.once('exit', (code) => {
      this.exitCode = code;
    });
  }

  /** Starts `kubeblink watcher --broker <broker> <args>` with --http-port/--http-host added. */
  static async spawn(broker: string, args: string[], opts: SpawnOptions = {}): Promise<WatcherProcess> {
    const httpPort = await freePort();
    const flags = ['--broker', broker, ...args, '--http-port', String(httpPort), '--http-host', '127.0.0.1'];
    return new WatcherProcess(spawn(process.execPath, [CLI, 'watcher', ...flags], opts), httpPort);
  }

  /** http://127.0.0.1:<httpPort><path> */
  url(path: string): string {
    return `http://127.0.0.1:${this.httpPort}${path}`;
  }

  /** Waits until /readyz answers 200; a watcher that exits first (a bad flag, out of memory) fails it at once. */
  async ready(ms: number, every?: number): Promise<void> {
    await until(
      async () => this.exitCode !== undefined || (await fetch(this.url('/readyz')).catch(() => null))?.status === 200,
      'watcher ready',
      ms,
      every,
    );
    if (this.exitCode !== undefined) throw new Error(`the watcher exited with ${this.exitCode}`);
  }
}
