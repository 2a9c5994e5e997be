// One pod runner per cluster: two would each start their own processes for the same pods and
// fight over their status. The runner holds @kubeblink/kube's Lease as a guard (whenHeld: 'refuse'):
// it refuses to start while another live runner renews the lease, and takes over a crashed runner's
// lease once that has run out.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@kubeblink/core';
import { KubeHttp, kubeConfigAuth, LeaseElector, LeaseHeld } from '@kubeblink/kube/plain';
import type { KubeConfig } from '@kubernetes/client-node';

export const RUNNER_LEASE = { namespace: 'kube-system', name: 'kubeblink-pod-runner' };

export class RunnerAlreadyRunning extends Error {
  override name = 'RunnerAlreadyRunning';
}

export class RunnerLease {
  // Unique per runner, also for two runners in one process (tests, or `sim up` in-process).
  readonly identity = `${hostname()}_${process.pid}_${randomBytes(3).toString('hex')}`;
  private readonly http: KubeHttp;
  private readonly log: Logger;
  private readonly durationSeconds: number;
  private elector: LeaseElector | undefined;

  constructor(kc: KubeConfig, log: Logger, durationSeconds = 15) {
    this.http = new KubeHttp(kubeConfigAuth(kc));
    this.log = log;
    this.durationSeconds = durationSeconds;
  }

  /** Takes the lease or throws RunnerAlreadyRunning; then renews it every third of its duration. */
  async acquire(onLost: () => void): Promise<void> {
    const elector = new LeaseElector({
      http: this.http,
      ...RUNNER_LEASE,
      identity: this.identity,
      leaseSeconds: this.durationSeconds,
      renewSeconds: this.durationSeconds / 3,
      // A starting runner looks again every second: a live one is seen renewing within a third.
      retrySeconds: 1,
      // Errors reaching the API are retried while the lease runs: only a lease written by another
      // runner (that runner owns the pods now) stops this one.
      renewDeadlineSeconds: Number.POSITIVE_INFINITY,
      whenHeld: 'refuse',
      log: this.log,
      onLost,
    });
    try {
      await elector.start();
    } catch (err) {
      if (!(err instanceof LeaseHeld)) throw err;
      throw new RunnerAlreadyRunning(
        `another pod runner (${err.holder}) plays the kubelet for this cluster; stop it first (Lease ${RUNNER_LEASE.namespace}/${RUNNER_LEASE.name})`,
      );
    }
    this.elector = elector;
  }

  /** Gives the lease up, so a new runner can start at once. */
  async release(): Promise<void> {
    const elector = this.elector;
    this.elector = undefined;
    await elector?.stop();
  }
}
