#!/usr/bin/env node
// `node services/sim/src/cli.ts up [--nodes N] [--state-dir DIR] | down | status | heartbeat NODE on|off
//  | kubectl ARGS...`
// The kubeblink CLI can call simCli(argv) for `kubeblink sim ...`; stdout carries only the
// KUBECONFIG=<path> line, so `export $(node services/sim/src/cli.ts up)` works.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '@kubeblink/core';
import { SimAlreadyRunning, setNodeHeartbeat, simClient, simDown, simStatus, simUp } from './index.ts';
import { startDaemon, waitFor } from './procs.ts';
import { addSimProc, httpOk, type SimState } from './sim-lifecycle.ts';

const usage = `Usage: kubeblink sim <command>

  up [--nodes N] [--[no-]metrics] [--[no-]runner] [--broker URL] [--state-dir DIR]
      start the simulated cluster (N workers, default 2; metrics-server by default up to 50 nodes;
      the pod runner unless --no-runner, its apps talking to the broker at --broker)
  down [--state-dir DIR]          stop it (and the pod runner) and remove its state
  status [--state-dir DIR]        show whether it runs
  heartbeat NODE on|off           restart/stop one node's heartbeat
  kubectl ARGS...                 the simulated cluster's own kubectl with its kubeconfig
                                  (e.g. kubectl get pods -o wide; $XDG_STATE_HOME moves its state)`;

/**
 * `sim kubectl ARGS...`: the sim's kubectl (the version its API server was built with) and its admin
 * kubeconfig, so `up`'s screen can print one short copy-paste line instead of two long paths
 * (issue 14: at 80 columns the KUBECONFIG=... line was cut mid-path). Exits with kubectl's code.
 */
async function simKubectl(args: string[]): Promise<number> {
  const st = simStatus();
  if (!st.running || !st.state)
    throw new Error(`no simulated cluster is running (none in ${st.stateDir}): start it with \`npm start\``);
  const { kubectl, kubeconfig } = st.state;
  const child = spawn(kubectl, args, { stdio: 'inherit', env: { ...process.env, KUBECONFIG: kubeconfig } });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

/**
 * The pod runner plays the kubelet for demo-app pods; `sim up` starts it as one more daemon of the
 * cluster (recorded in its state, so `sim down` stops it). Tests that want their own in-process
 * runner call simUp() directly, which never starts one.
 */
async function startRunner(s: SimState, broker: string | undefined): Promise<void> {
  const { podRunnerDaemon } = await import('@kubeblink/pod-runner');
  const httpPort = await freePort();
  const d = podRunnerDaemon({
    kubeconfig: s.kubeconfig,
    stateDir: join(s.stateDir, 'pod-runner'),
    backoffBaseSeconds: 2,
    backoffMaxSeconds: 20,
    httpPort,
    httpHost: '127.0.0.1',
    logFormat: 'json',
    ...(broker ? { broker } : {}),
  });
  const rec = startDaemon('pod-runner', d.exe, d.args, join(s.stateDir, 'logs'));
  addSimProc(rec, { stateDir: s.stateDir });
  await waitFor('the pod runner /readyz', () => httpOk(`http://127.0.0.1:${httpPort}/readyz`), {
    timeoutMs: 60_000,
    proc: rec,
  });
  console.error(`pod runner started (demo-app pods run as local processes); log: ${rec.log}`);
}

/** Runs one sim command; resolves to the exit code. Errors are thrown (see the bottom). */
export async function simCli(argv: string[]): Promise<number> {
  // kubectl's own flags (-o wide, -n ns) are not this command's: hand them over untouched.
  if (argv[0] === 'kubectl') return simKubectl(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    allowNegative: true,
    options: {
      nodes: { type: 'string' },
      metrics: { type: 'boolean' },
      runner: { type: 'boolean' },
      broker: { type: 'string' },
      'state-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const stateDir = values['state-dir'];
  const [cmd, ...rest] = positionals;
  if (values.help || !cmd) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  switch (cmd) {
    case 'up': {
      const nodes = values.nodes === undefined ? undefined : Number(values.nodes);
      if (nodes !== undefined && (!Number.isInteger(nodes) || nodes < 0))
        throw new Error(`--nodes wants a whole number, got ${values.nodes}`);
      const s = await simUp({ nodes, stateDir, metrics: values.metrics });
      if (values.runner !== false) await startRunner(s, values.broker);
      console.log(`KUBECONFIG=${s.kubeconfig}`);
      console.error(`try: KUBECONFIG=${s.kubeconfig} ${s.kubectl} get nodes`);
      return 0;
    }
    case 'down':
      if (!(await simDown({ stateDir }))) console.error('no simulated cluster to stop');
      return 0;
    case 'status': {
      const st = simStatus({ stateDir });
      console.log(st.running ? `running: KUBECONFIG=${st.state?.kubeconfig}` : 'not running');
      for (const p of st.procs)
        console.log(
          `  ${p.name.padEnd(24)} pid ${String(p.pid).padEnd(8)} ${p.running ? 'running' : 'stopped'}  ${p.log}`,
        );
      return st.running ? 0 : 1;
    }
    case 'heartbeat': {
      const [node, onoff] = rest;
      if (!node || (onoff !== 'on' && onoff !== 'off')) {
        console.error(usage);
        return 2;
      }
      const kube = simClient({ stateDir });
      try {
        await setNodeHeartbeat(kube, node, onoff === 'on');
      } finally {
        kube.close();
      }
      console.error(`heartbeat of ${node} ${onoff === 'on' ? 'restarted' : 'stopped'}`);
      return 0;
    }
    default:
      console.error(usage);
      return 2;
  }
}

if (import.meta.main) {
  simCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(
        err instanceof SimAlreadyRunning ? err.message : err instanceof Error ? `sim: ${err.message}` : err,
      );
      process.exit(1);
    },
  );
}
