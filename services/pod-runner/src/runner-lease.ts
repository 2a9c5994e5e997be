// One pod runner per cluster: two would each start their own processes for the same pods and
// fight over their status. The runner holds a Lease (as a leader-elected controller does) and
// refuses to start while another live runner holds it.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@kubeblink/core';
import { ApiException, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';

export const RUNNER_LEASE = { namespace: 'kube-system', name: 'kubeblink-pod-runner' };

export class RunnerAlreadyRunning extends Error {
  override name = 'RunnerAlreadyRunning';
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits. */
const microTime = (d = new Date()) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class RunnerLease {
  // Unique per runner, also for two runners in one process (tests, or `sim up` in-process).
  readonly identity = `${hostname()}_${process.pid}_${randomBytes(3).toString('hex')}`;
  private readonly api: CoordinationV1Api;
  private readonly log: Logger;
  private readonly durationSeconds: number;
  private timer: NodeJS.Timeout | undefined;
  private lease: V1Lease | undefined;

  constructor(api: CoordinationV1Api, log: Logger, durationSeconds = 15) {
    this.api = api;
    this.log = log;
    this.durationSeconds = durationSeconds;
  }

  private held(l: V1Lease, now = Date.now()): boolean {
    const holder = l.spec?.holderIdentity;
    const renewed = l.spec?.renewTime ? new Date(l.spec.renewTime).getTime() : 0;
    return !!holder && holder !== this.identity && renewed + (l.spec?.leaseDurationSeconds ?? 0) * 1000 > now;
  }

  /** Takes the lease or throws RunnerAlreadyRunning; then renews it every third of its duration. */
  async acquire(onLost: () => void): Promise<void> {
    const spec = () => ({
      holderIdentity: this.identity,
      leaseDurationSeconds: this.durationSeconds,
      renewTime: microTime() as unknown as Date,
    });
    const read = async () => {
      try {
        return await this.api.readNamespacedLease(RUNNER_LEASE);
      } catch (err) {
        if (!(err instanceof ApiException && err.code === 404)) throw err;
        return undefined;
      }
    };
    let current = await read();
    // Held by someone: a live runner renews it within a third of its duration; one that crashed
    // does not, and its lease is taken over once it expires.
    const seen = current?.spec?.renewTime ? String(current.spec.renewTime) : undefined;
    while (current && this.held(current)) {
      if (current.spec?.renewTime && String(current.spec.renewTime) !== seen) {
        throw new RunnerAlreadyRunning(
          `another pod runner (${current.spec?.holderIdentity}) plays the kubelet for this cluster; stop it first (Lease ${RUNNER_LEASE.namespace}/${RUNNER_LEASE.name})`,
        );
      }
      await new Promise((r) => setTimeout(r, 1000));
      current = await read();
    }
    const body: V1Lease = {
      metadata: { ...RUNNER_LEASE, resourceVersion: current?.metadata?.resourceVersion },
      spec: {
        ...spec(),
        acquireTime: microTime() as unknown as Date,
        leaseTransitions: (current?.spec?.leaseTransitions ?? 0) + 1,
      },
    };
    // resourceVersion makes a race between two starting runners lose cleanly (409) for one of them.
    this.lease = current
      ? await this.api.replaceNamespacedLease({ ...RUNNER_LEASE, body })
      : await this.api.createNamespacedLease({ namespace: RUNNER_LEASE.namespace, body });
    this.timer = setInterval(
      async () => {
        try {
          const l = this.lease as V1Lease;
          this.lease = await this.api.replaceNamespacedLease({
            ...RUNNER_LEASE,
            body: { ...l, spec: { ...l.spec, ...spec() } },
          });
        } catch (err) {
          // Someone else replaced it (409): that runner owns the pods now. Errors reaching the API are
          // retried at the next tick while the lease still runs.
          if (err instanceof ApiException && err.code === 409) {
            clearInterval(this.timer);
            this.log.error('lost the pod runner lease to another runner; stopping');
            onLost();
          } else this.log.warn({ err: (err as Error).message }, 'lease renewal failed');
        }
      },
      (this.durationSeconds * 1000) / 3,
    );
    this.timer.unref();
  }

  /** Gives the lease up, so a new runner can start at once. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    const l = this.lease;
    this.lease = undefined;
    if (!l) return;
    try {
      await this.api.replaceNamespacedLease({
        ...RUNNER_LEASE,
        body: { ...l, spec: { ...l.spec, holderIdentity: undefined, renewTime: undefined } },
      });
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'lease release failed');
    }
  }
}
