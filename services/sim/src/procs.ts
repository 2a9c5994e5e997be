// Process handling for the simulated cluster: start detached daemons with their output in log
// files (they outlive `sim up`), remember their PIDs, and stop exactly those PIDs later.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pidRuns } from '@kubeblink/kube/plain';

export interface ProcRecord {
  name: string;
  pid: number;
  /** Absolute path of the executable: checked against /proc before signalling, so a PID reused by
   * an unrelated process after a reboot or crash is never killed. */
  exe: string;
  log: string;
}

/** Starts `exe args` detached from our process group, stdout+stderr appended to logDir/<name>.log. */
export function startDaemon(
  name: string,
  exe: string,
  args: string[],
  logDir: string,
  env: NodeJS.ProcessEnv = process.env,
): ProcRecord {
  const log = join(logDir, `${name}.log`);
  const fd = openSync(log, 'a');
  try {
    const child = spawn(exe, args, { detached: true, stdio: ['ignore', fd, fd], env });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${exe})`);
    child.unref();
    return { name, pid: child.pid, exe, log };
  } finally {
    closeSync(fd); // the child holds its own copy
  }
}

/** True if `rec.pid` is alive and still runs `rec.exe` (the same check as the commands' discovery). */
export function isRunning(rec: ProcRecord): boolean {
  return pidRuns(rec.pid, rec.exe);
}

/** SIGTERM, wait up to timeoutMs, then SIGKILL. Resolves when the process is gone. */
export async function stopProc(rec: ProcRecord, timeoutMs = 10_000): Promise<void> {
  if (!isRunning(rec)) return;
  try {
    process.kill(rec.pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(rec)) return;
    await sleep(100);
  }
  try {
    process.kill(rec.pid, 'SIGKILL');
  } catch {
    return;
  }
  while (isRunning(rec)) await sleep(50);
}

/** Polls `probe` until it returns true; throws with `what` and the log tail on timeout or exit. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; proc?: ProcRecord; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (opts.proc && !isRunning(opts.proc)) {
      throw new Error(
        `${opts.proc.name} exited while waiting for ${what}; log ${opts.proc.log}:\n${tail(opts.proc.log)}`,
      );
    }
    if (Date.now() > deadline) {
      const log = opts.proc ? `; log ${opts.proc.log}:\n${tail(opts.proc.log)}` : '';
      throw new Error(`timed out after ${opts.timeoutMs / 1000}s waiting for ${what}${log}`);
    }
    await sleep(opts.intervalMs ?? 200);
  }
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Stops processes clients first, then the apiserver, then its store, so none logs errors about
 * the others going away. */
export async function stopAll(procs: ProcRecord[], log: (line: string) => void): Promise<void> {
  const order = ['metrics-server', 'kwok', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd'];
  const rank = (p: ProcRecord) => (order.includes(p.name) ? order.indexOf(p.name) : -1);
  const groups = new Map<number, ProcRecord[]>();
  for (const p of procs) groups.set(rank(p), [...(groups.get(rank(p)) ?? []), p]);
  for (const r of [...groups.keys()].sort((a, b) => a - b)) {
    await Promise.all(
      (groups.get(r) ?? []).map(async (p) => {
        if (isRunning(p)) log(`stopping ${p.name} (pid ${p.pid})`);
        await stopProc(p);
      }),
    );
  }
}
