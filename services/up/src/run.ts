// `kubeblink up` as a command: the live picture on a terminal, plain lines otherwise; Ctrl-C (and a
// closed terminal, or a killed npm) stops everything it started, then it exits 0.
import { runUntilSignal } from '@kubeblink/core';
import type { UpSettings } from '@kubeblink/schemas';
import { Up } from './up.ts';

/** The command: live picture on a terminal, plain lines otherwise; exits 0 after Ctrl-C. */
export async function runUp(settings: UpSettings): Promise<void> {
  const tty = (process.stdout as { isTTY?: boolean }).isTTY === true;
  const mode = settings.render === 'auto' ? (tty ? 'live' : 'lines') : settings.render;
  // A closed terminal (SIGHUP, or the first write that fails) must not leave the simulated cluster and
  // the demo app behind: it takes the same way out as Ctrl-C, once (a second signal would cut it short).
  let hungUp = false;
  let interrupted = false;
  const hangUp = () => {
    if (hungUp || interrupted) return; // already on its way out
    hungUp = true;
    process.kill(process.pid, 'SIGTERM');
  };
  const up = new Up(settings, { out: process.stdout, mode, onGone: hangUp });
  const halt = () => {
    interrupted = true;
    up.guard.halt();
  };
  process.once('SIGINT', halt);
  process.once('SIGTERM', halt);
  process.on('SIGHUP', hangUp);
  // `npm start` killed with SIGTERM dies without passing it on: an orphaned up (its parent gone)
  // stops too, rather than running on unseen with the cluster and the demo app.
  const parent = process.ppid;
  const orphan = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(orphan);
    hangUp();
  }, 1000);
  orphan.unref();
  try {
    await runUntilSignal(up.controller, up.log);
  } catch (err) {
    // A start that failed (or was interrupted): wait until everything started is stopped again.
    await up.controller.stop();
    if (interrupted) process.exit(0);
    console.error(`kubeblink up: ${(err as Error).message}\n(log: ${up.logFile})`);
    process.exit(1);
  }
}
