// Optional leader election (--lease-namespace): only the holder of a coordination.k8s.io/v1 Lease
// runs the watcher, so a rolling update (or a second replica) never has two watchers publishing for
// one cluster. It follows client-go's leaderelection: a lease is taken over only after it went
// unrenewed for leaseDurationSeconds as observed by this process's own clock (no clock comparison
// between machines), and the leader gives up when it could not renew within the renew deadline,
// which is shorter than the lease, so that it stops before anyone else can start.
// RBAC: get, create, update on leases in that namespace.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Component, Logger } from '@kubeblink/core';
import type { KubeHttp } from './source/kube-http.ts';

export interface LeaseOptions {
  http: KubeHttp;
  namespace: string;
  name: string;
  identity: string;
  /** How long a lease lasts without renewal (default 15 s). */
  leaseSeconds?: number;
  /** How often the holder renews and a candidate retries (default 2 s). */
  renewSeconds?: number;
  log: Logger;
  /** Called once when leadership is lost; the watcher exits then (Kubernetes restarts it as a candidate). */
  onLost: () => void;
}

interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}
interface Lease {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

// MicroTime: RFC 3339 with microseconds.
const microTime = (d = new Date()) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class LeaseElector implements Component {
  readonly name = 'lease';
  private readonly o: LeaseOptions;
  private readonly log: Logger;
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private observed: { record: string; at: number } | undefined;
  private leading = false;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(o: LeaseOptions) {
    this.o = o;
    this.log = o.log.child({ module: 'lease', lease: `${o.namespace}/${o.name}` });
    this.leaseMs = (o.leaseSeconds ?? 15) * 1000;
    this.renewMs = (o.renewSeconds ?? 2) * 1000;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  private get path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.o.namespace)}/leases`;
  }

  /** Resolves once this process holds the lease (the components after it start only then). */
  async start(): Promise<void> {
    this.stopped = false;
    this.log.info({ identity: this.o.identity }, 'waiting for the lease');
    while (!this.stopped && !(await this.tryAcquireOrRenew())) await sleep(this.renewMs);
    if (this.stopped) return;
    this.leading = true;
    this.log.info({ identity: this.o.identity }, 'lease acquired: this watcher is active');
    this.loop = this.renew();
  }

  private async renew(): Promise<void> {
    // renew deadline: two thirds of the lease (client-go's defaults are 10 s of 15 s)
    let lastRenew = Date.now();
    while (!this.stopped) {
      await sleep(this.renewMs);
      if (this.stopped) return;
      if (await this.tryAcquireOrRenew()) {
        lastRenew = Date.now();
        continue;
      }
      if (this.held === 'other' || Date.now() - lastRenew > (this.leaseMs * 2) / 3) {
        this.leading = false;
        this.log.error({ identity: this.o.identity }, 'lease lost: stopping');
        this.o.onLost();
        return;
      }
    }
  }

  private held: 'me' | 'other' | 'nobody' = 'nobody';

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { http, identity } = this.o;
    const now = new Date();
    try {
      const got = await http.send('GET', `${this.path}/${encodeURIComponent(this.o.name)}`);
      if (got.status === 404) {
        const created = await http.send('POST', this.path, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.o.name, namespace: this.o.namespace },
          spec: this.spec(now, now, 0),
        });
        this.held = created.status === 201 ? 'me' : 'other';
        return created.status === 201;
      }
      if (got.status !== 200) throw new Error(`GET lease: HTTP ${got.status}`);
      const lease = got.body as Lease;
      const spec = lease.spec ?? {};
      const record = JSON.stringify(spec);
      if (this.observed?.record !== record) this.observed = { record, at: Date.now() };
      const mine = spec.holderIdentity === identity;
      const duration = (spec.leaseDurationSeconds ?? this.leaseMs / 1000) * 1000;
      if (!mine && spec.holderIdentity && Date.now() < this.observed.at + duration) {
        this.held = 'other';
        return false;
      }
      const acquire = mine && spec.acquireTime ? new Date(spec.acquireTime) : now;
      const transitions = (spec.leaseTransitions ?? 0) + (mine ? 0 : 1);
      const put = await http.send('PUT', `${this.path}/${encodeURIComponent(this.o.name)}`, {
        ...lease,
        spec: this.spec(acquire, now, transitions),
      });
      // 409: someone else wrote the lease first; the next round sees who.
      this.held = put.status === 200 ? 'me' : 'other';
      return put.status === 200;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'lease request failed');
      return false;
    }
  }

  private spec(acquire: Date, renew: Date, transitions: number): LeaseSpec {
    return {
      holderIdentity: this.o.identity,
      leaseDurationSeconds: Math.round(this.leaseMs / 1000),
      acquireTime: microTime(acquire),
      renewTime: microTime(renew),
      leaseTransitions: transitions,
    };
  }

  /** Gives the lease up at once on a clean shutdown, so that a standby takes over without waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    if (!this.leading) return;
    this.leading = false;
    try {
      const got = await this.o.http.send('GET', `${this.path}/${encodeURIComponent(this.o.name)}`);
      const lease = got.body as Lease;
      if (got.status === 200 && lease.spec?.holderIdentity === this.o.identity) {
        await this.o.http.send('PUT', `${this.path}/${encodeURIComponent(this.o.name)}`, {
          ...lease,
          spec: { ...lease.spec, holderIdentity: null, leaseDurationSeconds: 1, renewTime: microTime() },
        });
        this.log.info('lease released');
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not release the lease; it expires by itself');
    }
  }
}
