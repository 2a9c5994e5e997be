// The cluster side of `kubeblink up`, as one component: decides which cluster (choice.ts), then
// starts the simulated one (or reuses one already running), loads a named real context, or finds
// the nodes of a recording. stop() stops the simulated cluster only if this run started it.
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Component, Logger } from '@kubeblink/core';
import { binariesReady, buildScript, type SimState, simDown, simStatus, simUp } from '@kubeblink/sim';
import type { KubeConfig } from '@kubernetes/client-node';
import { type ClusterChoice, chooseCluster, goMinimum, goToolchain } from './choice.ts';
import { heavy, preload } from './heavy.ts';

/** The recording shipped with kubeblink: the demo app on the simulated cluster, with a restart and
 * a rolling update (services/up/recordings/README.md says how it was made). */
export const SHIPPED_RECORDING = fileURLToPath(new URL('../recordings/demo-app.jsonl', import.meta.url));
const VERSIONS_ENV = join(buildScript, '..', 'versions.env');

export interface ClusterOptions {
  context?: string;
  kubeconfig?: string;
  recording?: string;
  nodes: number;
  simStateDir?: string;
  /** Where a kubeconfig pinned to a named context is written (the watcher reads a file). */
  dir: string;
  log: Logger;
  /** Start-up progress for the screen (a cold build's last line, too). */
  progress: (line: string) => void;
}

export class ClusterComponent implements Component {
  readonly name = 'cluster';
  choice: ClusterChoice | undefined;
  /** The kubeconfig file the watcher, the runner and the broker's TokenReviews use (none: recording). */
  kubeconfig: string | undefined;
  kc: KubeConfig | undefined;
  nodes: string[] = [];
  sim: SimState | undefined;
  /** This run started the simulated cluster (and so stops it). */
  ownsSim = false;
  description = '';
  /** Shown under the title: a recording instead of a cluster, and why. */
  notice = '';
  private readonly o: ClusterOptions;

  constructor(o: ClusterOptions) {
    this.o = o;
  }

  async start(): Promise<void> {
    const { o } = this;
    preload();
    const explicit = o.recording || o.context || o.kubeconfig;
    const status = explicit ? undefined : simStatus({ stateDir: o.simStateDir });
    const cached = explicit || status?.running ? false : binariesReady();
    const go = explicit || status?.running || cached ? ({ ok: true } as const) : goToolchain(goMinimum(VERSIONS_ENV));
    const choice = chooseCluster({
      context: o.context,
      kubeconfig: o.kubeconfig,
      recording: o.recording,
      simRunning: status?.running ?? false,
      binariesCached: cached,
      go,
      shippedRecording: SHIPPED_RECORDING,
    });
    this.choice = choice;
    o.log.info({ choice }, 'cluster chosen');
    if (choice.kind === 'recording') {
      this.nodes = await recordedNodes(choice.file);
      this.description = `RECORDING ${basename(choice.file)}, replayed in a loop`;
      this.notice =
        choice.file === SHIPPED_RECORDING
          ? `! Not a live cluster: ${choice.why}. Install Go ${goMinimum(VERSIONS_ENV)} or newer and run again for the live simulated cluster.`
          : '! Not a live cluster: a recording, replayed in a loop (no app signals: request and probe LEDs stay dark).';
      o.progress(this.notice);
      return;
    }
    if (choice.kind === 'context') {
      const { currentContext, loadKubeConfig } = await heavy.kube();
      const kc = loadKubeConfig({ kubeconfig: choice.kubeconfig, context: choice.context });
      // The watcher reads a kubeconfig file and uses its current context: write one pinned to the
      // context the user named.
      const file = join(o.dir, 'kubeconfig');
      writeFileSync(file, kc.exportConfig(), { mode: 0o600 });
      this.kc = kc;
      this.kubeconfig = file;
      const ctx = currentContext(kc);
      this.nodes = await liveNodes(kc);
      this.description = `context ${ctx.name} (${ctx.server}), ${this.nodes.length} nodes`;
      return;
    }
    if (choice.reuse && status?.state) {
      this.sim = status.state;
      o.progress(`using the simulated cluster that is already running (state ${status.stateDir})`);
    } else {
      o.progress(
        choice.build
          ? 'building the simulated cluster (first run only: 12–16 min on 2 cores, then cached in ~/.cache/kubeblink)'
          : 'starting the simulated cluster',
      );
      this.ownsSim = true;
      if (choice.build) {
        this.notice = `! First run: the simulated cluster is built from source, once (12–16 min on 2 cores; cached in ~/.cache/kubeblink).\n  To watch a recording meanwhile: Ctrl-C, then  npm start -- --recording ${relative(process.cwd(), SHIPPED_RECORDING)}`;
        o.progress(this.notice);
      }
      this.sim = await simUp({
        nodes: o.nodes,
        stateDir: o.simStateDir,
        log: (line) => {
          o.log.info({ sim: line }, 'sim');
          o.progress(choice.build ? `building the simulated cluster (first run only, 12–16 min): ${line}` : line);
        },
      });
    }
    this.notice = '';
    this.kubeconfig = this.sim.kubeconfig;
    this.kc = (await heavy.kube()).loadKubeConfig({ kubeconfig: this.sim.kubeconfig });
    this.nodes = this.sim.nodes;
    this.description = `simulated cluster, ${this.nodes.length} nodes${this.ownsSim ? '' : ' (already running: left running on exit)'}`;
  }

  async stop(): Promise<void> {
    if (!this.ownsSim) return;
    this.o.progress('stopping the simulated cluster');
    await simDown({ stateDir: this.o.simStateDir, log: (line) => this.o.log.info({ sim: line }, 'sim') });
    this.ownsSim = false;
  }
}

type NodeMeta = { metadata?: { name?: string; labels?: Record<string, string> } };
const CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';

/** Control-plane nodes first (the talk's Pi 4 master), then by name. */
export function boardOrder(nodes: NodeMeta[]): string[] {
  const cp = (n: NodeMeta) => (n.metadata?.labels && CONTROL_PLANE in n.metadata.labels ? 0 : 1);
  return nodes
    .filter((n) => n.metadata?.name)
    .sort((a, b) => cp(a) - cp(b) || String(a.metadata?.name).localeCompare(String(b.metadata?.name)))
    .map((n) => n.metadata?.name as string);
}

async function liveNodes(kc: KubeConfig): Promise<string[]> {
  const { CoreV1Api } = await heavy.clientNode();
  return boardOrder((await kc.makeApiClient(CoreV1Api).listNode()).items);
}

/** The nodes a recording knows (control plane first). */
export async function recordedNodes(file: string): Promise<string[]> {
  statSync(file); // a missing file fails here, with its name
  const nodes = new Map<string, NodeMeta>();
  const lines = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    if (!line.includes('"kind":"nodes"')) continue;
    try {
      const obj = (JSON.parse(line) as { object?: NodeMeta }).object;
      if (obj?.metadata?.name) nodes.set(obj.metadata.name, obj);
    } catch {
      // a bad line is the replay's business (it skips and counts it)
    }
  }
  return boardOrder([...nodes.values()]);
}
