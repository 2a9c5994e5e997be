// The demo app `up` deploys (deploy/up/demo-app.yaml) and, on the simulated cluster, a gentle
// request stream to its Service so that request LEDs flash. stop() deletes exactly what start()
// applied and waits until it is gone (pods included: foreground deletion).
import { fileURLToPath } from 'node:url';
import type { Component, Logger } from '@kubeblink/core';
import { runLoad } from '@kubeblink/demo-app/load';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { heavy } from './heavy.ts';

export const DEMO_APP_MANIFEST = fileURLToPath(new URL('../../../deploy/up/demo-app.yaml', import.meta.url));

export interface DemoAppOptions {
  kc: () => KubeConfig | undefined;
  log: Logger;
  progress: (line: string) => void;
  manifest?: string;
}

export class DemoAppComponent implements Component {
  readonly name = 'demo-app';
  applied: KubernetesObject[] = [];
  private readonly o: DemoAppOptions;

  constructor(o: DemoAppOptions) {
    this.o = o;
  }

  async start(): Promise<void> {
    const kc = this.o.kc();
    if (!kc) return;
    const { applyObjects, readManifests } = await heavy.kube();
    const objs = readManifests(this.o.manifest ?? DEMO_APP_MANIFEST);
    this.o.progress('deploying the demo app (3 replicas, one per node)');
    // Remembered before the call: an apply that fails half-way is cleaned up too.
    this.applied = objs;
    await applyObjects(kc, objs, { fieldManager: 'kubeblink-up' });
    this.o.log.info({ objects: objs.map((x) => `${x.kind}/${x.metadata?.name}`) }, 'demo app applied');
  }

  async stop(): Promise<void> {
    const kc = this.o.kc();
    const objs = this.applied;
    this.applied = [];
    if (!kc || !objs.length) return;
    this.o.progress('deleting the demo app');
    const { deleteObjects, waitGone } = await heavy.kube();
    await deleteObjects(kc, objs);
    await waitGone(kc, objs, { timeoutMs: 60_000 });
    this.o.log.info('demo app deleted');
  }
}

export interface LoadComponentOptions {
  kc: () => KubeConfig | undefined;
  rps: number;
  log: Logger;
  service: { namespace: string; name: string };
}

/** ~rps requests a second to the Service, through the pod runner's Service proxy (its address is
 * the Service's kubeblink.io/sim-endpoint annotation). Only on the simulated cluster. */
export class LoadComponent implements Component {
  readonly name = 'load';
  endpoint = '';
  sent = 0;
  private abort = new AbortController();
  private done: Promise<void> | undefined;
  private readonly o: LoadComponentOptions;

  constructor(o: LoadComponentOptions) {
    this.o = o;
  }

  async start(): Promise<void> {
    const kc = this.o.kc();
    if (!kc || !(this.o.rps > 0)) return;
    this.abort = new AbortController();
    const { signal } = this.abort;
    const { ENDPOINT_ANNOTATION } = await heavy.podRunner();
    const { CoreV1Api } = await heavy.clientNode();
    const core = kc.makeApiClient(CoreV1Api);
    this.done = (async () => {
      while (!signal.aborted) {
        try {
          const svc = await core.readNamespacedService(this.o.service);
          const ep = svc.metadata?.annotations?.[ENDPOINT_ANNOTATION];
          if (ep) {
            this.endpoint = ep;
            this.o.log.info({ endpoint: ep, rps: this.o.rps }, 'request stream started');
            const r = await runLoad({
              url: `http://${ep}/`,
              rps: this.o.rps,
              durationSeconds: 86_400 * 365,
              signal,
              maxInFlight: 8,
            });
            this.sent += r.sent;
            continue;
          }
        } catch (err) {
          this.o.log.debug({ err: (err as Error).message }, 'no Service endpoint yet');
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
