// One container instance = one local process running the demo app's own code
// (`node services/cli/bin/kubeblink.js <args>`), its output appended to a log file like the
// kubelet's /var/log/pods. Exit codes are real; a signal death becomes 128 + signal number.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1Container } from '@kubernetes/client-node';

/** The `kubeblink` command of this checkout. */
export const KUBEBLINK_BIN = fileURLToPath(new URL('../../cli/bin/kubeblink.js', import.meta.url));

export interface Exit {
  exitCode: number;
  signal?: string;
  at: Date;
}

/** The image's entrypoint is `kubeblink`, its default arguments `demo-app`. */
export function commandLine(c: V1Container): string[] | { error: string } {
  const cmd = c.command ?? [];
  const args = c.args ?? [];
  if (cmd.length === 0) return args.length ? args : ['demo-app'];
  const exe = basename(cmd[0] as string);
  if (exe === 'kubeblink') return [...cmd.slice(1), ...args];
  if (exe === 'node' && /kubeblink(\.js)?$/.test(cmd[1] ?? '')) return [...cmd.slice(2), ...args];
  return { error: `exec: "${cmd[0]}": executable file not found in $PATH` };
}

/** setTimeout as a promise that an abort ends early. */
export const abortableSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

export class ContainerProcess {
  readonly child: ChildProcess;
  readonly startedAt: Date;
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;
  private cpuMark: { at: number; cpu: number } | undefined;

  constructor(args: string[], env: NodeJS.ProcessEnv, logFile: string) {
    const fd = openSync(logFile, 'a');
    try {
      // process.execPath: the project's Node 24, whichever node started the runner.
      this.child = spawn(process.execPath, [KUBEBLINK_BIN, ...args], { env, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    this.startedAt = new Date();
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exit) return;
        const num = signal ? (constants.signals[signal] ?? 9) : 0;
        this.exit = { exitCode: code ?? 128 + num, signal: signal ?? undefined, at: new Date() };
        resolve(this.exit);
      };
      this.child.once('exit', done);
      // spawn failures (ENOENT, EAGAIN) come as 'error' without 'exit'.
      this.child.once('error', () => done(128, null));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child.kill(sig);
  }

  /** CPU cores used since the previous call (undefined the first time) and resident memory. */
  usage(): { cores?: number; memory?: number } {
    const pid = this.running ? this.pid : undefined;
    if (pid === undefined) return {};
    const cpu = cpuSeconds(pid);
    const memory = rssBytes(pid);
    if (cpu === undefined) return { memory };
    const now = performance.now();
    const prev = this.cpuMark;
    this.cpuMark = { at: now, cpu };
    if (!prev || now <= prev.at) return { memory };
    return { cores: (cpu - prev.cpu) / ((now - prev.at) / 1000), memory };
  }

  /** SIGTERM, then SIGKILL after `graceMs` (the kubelet's killContainer). */
  async stop(graceMs: number): Promise<Exit> {
    if (!this.running) return this.exited;
    this.signal(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
    if (graceMs > 0) {
      const t = setTimeout(() => this.signal('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(t);
    }
    return this.exited;
  }
}

// Linux reports CPU times in clock ticks of USER_HZ, 100 on every architecture Node runs on.
const USER_HZ = 100;

/** CPU seconds (user + system) used so far by `pid`, from /proc/<pid>/stat; undefined if gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ; // utime (14), stime (15)
  } catch {
    return undefined;
  }
}

/** Resident memory of `pid` in bytes, from /proc/<pid>/status (VmRSS, in kB whatever the page size). */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
