// The pod runner for the simulated cluster: it plays the kubelet of demo-app pods, so they run as
// real processes whose signals reach up's broker. Started as a child in its own process group (a
// Ctrl-C in the terminal reaches only up, which deletes the demo app while the runner still runs
// and then stops it), its log in a file. A simulated cluster started by `kubeblink sim up` already
// has one: it is used as it is, and its broker address is checked.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Component, Logger } from '@kubeblink/core';
import type { SimState } from '@kubeblink/sim';
import { heavy } from './heavy.ts';

export interface RunnerOptions {
  sim: () => SimState | undefined;
  broker: () => string;
  cluster: string;
  dir: string;
  logFile: string;
  log: Logger;
  progress: (line: string) => void;
  httpPort: () => Promise<number>;
}

/** The broker a running pod runner gives its apps (from its command line; the app's default else). */
export function runnerBroker(cmdline: string[]): string {
  const i = cmdline.indexOf('--broker');
  return (i >= 0 ? cmdline[i + 1] : undefined) ?? 'mqtt://localhost:1883';
}

const sameBroker = (a: string, b: string) =>
  a.replace('://localhost:', '://127.0.0.1:') === b.replace('://localhost:', '://127.0.0.1:');

export class RunnerComponent implements Component {
  readonly name = 'pod-runner';
  child: ChildProcess | undefined;
  /** Why request LEDs may stay dark (an existing runner sending signals elsewhere). */
  warning = '';
  private ready: Promise<void> = Promise.resolve();
  private readonly o: RunnerOptions;

  constructor(o: RunnerOptions) {
    this.o = o;
  }

  async start(): Promise<void> {
    const sim = this.o.sim();
    if (!sim) return;
    const existing = sim.procs.find((p) => p.name === 'pod-runner' && alive(p.pid));
    if (existing) {
      const broker = runnerBroker(cmdline(existing.pid));
      if (!sameBroker(broker, this.o.broker())) {
        this.warning = `the running simulated cluster's pod runner gives its apps the broker ${broker}, not ${this.o.broker()}: request LEDs stay dark (run \`kubeblink sim down\` and start again)`;
      }
      this.o.log.info({ pid: existing.pid, broker }, 'using the pod runner of the running simulated cluster');
      return;
    }
    this.o.progress('starting the pod runner (demo-app pods run as local processes)');
    const httpPort = await this.o.httpPort();
    const { podRunnerDaemon } = await heavy.podRunner();
    const d = podRunnerDaemon({
      kubeconfig: sim.kubeconfig,
      broker: this.o.broker(),
      cluster: this.o.cluster,
      stateDir: join(this.o.dir, 'pod-runner'),
      backoffBaseSeconds: 2,
      backoffMaxSeconds: 20,
      httpPort,
      httpHost: '127.0.0.1',
      logFormat: 'json',
    });
    const fd = openSync(this.o.logFile, 'a');
    try {
      this.child = spawn(d.exe, d.args, { detached: true, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    // Not awaited here: the demo app can be applied meanwhile (its pods wait, Pending, for this
    // kubelet, and their LEDs already say so); `whenReady` is awaited before up says it runs.
    this.ready = this.waitReady(this.child, httpPort);
    this.ready.catch(() => {});
  }

  /** Resolves when the runner started by this component serves /readyz (at once when none was). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  private async waitReady(child: ChildProcess, httpPort: number): Promise<void> {
    const exited = once(child, 'exit');
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the pod runner exited at start (code ${child.exitCode}); log: ${this.o.logFile}`);
      if (await ready(`http://127.0.0.1:${httpPort}/readyz`)) return;
      if (Date.now() > deadline) throw new Error(`the pod runner did not become ready in 60 s; log: ${this.o.logFile}`);
      await Promise.race([sleep(200), exited]);
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

async function ready(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await r.text();
    return r.ok;
  } catch {
    return false;
  }
}
