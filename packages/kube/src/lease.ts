// The one Lease of kubeblink: a coordination.k8s.io/v1 Lease held by one process at a time, over the
// plain API client (kube-http.ts, so that the watcher never loads client-node). Two singletons use it:
// - the watcher (--lease-namespace), as a leader election: only the holder runs, so a rolling update
//   (or a second replica) never has two watchers publishing for one cluster; a standby waits;
// - the pod runner, as a guard: two runners would each start processes for the same pods and fight
//   over their status, so a second runner refuses to start while a live one holds the lease.
// It follows client-go's leaderelection (tools/leaderelection/leaderelection.go): a standby takes a
// lease over only after it went unrenewed for leaseDurationSeconds as observed by its own clock (no
// clock comparison between machines), and a holder gives up when it could not renew within the renew
// deadline, which is shorter than the lease, so that it stops before anyone else can start.
// RBAC: get, create, update on leases in that namespace.
import timers from 'node:timers/promises';
import type { Component, Logger } from '@kubeblink/core';

/** What the Lease needs of an API client (KubeHttp has it). */
export interface LeaseApi {
  send(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

export interface LeaseOptions {
  http: LeaseApi;
  namespace: string;
  name: string;
  identity: string;
  /** How long a lease lasts without renewal (default 15 s). */
  leaseSeconds?: number;
  /** How often the holder renews (default 2 s). */
  renewSeconds?: number;
  /** How often a candidate looks at the lease again (default: renewSeconds). */
  retrySeconds?: number;
  /** The holder gives up after failing to renew for this long (default: two thirds of the lease;
   * client-go's defaults are 10 s of 15 s). Infinity: only a lease written by another is lost. */
  renewDeadlineSeconds?: number;
  /**
   * While another holds the lease: 'standby' (default) waits until it is released or expires;
   * 'refuse' makes start() reject with LeaseHeld as soon as the holder is seen renewing it, and with
   * the request's error when the API cannot be reached. A refusing candidate takes over a lease whose
   * renewTime plus its duration has passed by this clock: a crashed holder's successor on the same
   * machine starts at once instead of waiting out a lease it has just seen.
   */
  whenHeld?: 'standby' | 'refuse';
  log: Logger;
  /** Called once when the lease is lost while held (another wrote it, or the renew deadline passed). */
  onLost: () => void;
}

/** start() of a refusing candidate: a live holder renews the lease. */
export class LeaseHeld extends Error {
  override name = 'LeaseHeld';
  readonly holder: string;
  constructor(holder: string, lease: string) {
    super(`${holder} holds the Lease ${lease} and renews it`);
    this.holder = holder;
  }
}

interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}
interface LeaseObject {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits. */
export const microTime = (d = new Date()) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class LeaseElector implements Component {
  readonly name = 'lease';
  private readonly o: LeaseOptions;
  private readonly log: Logger;
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private readonly retryMs: number;
  private readonly deadlineMs: number;
  /** The lease record as last read, and when this process first saw it so (client-go's observedTime). */
  private observed: { record: string; at: number } | undefined;
  private held: 'me' | 'other' | 'nobody' = 'nobody';
  private leading = false;
  private stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(o: LeaseOptions) {
    this.o = o;
    this.log = o.log.child({ module: 'lease', lease: `${o.namespace}/${o.name}` });
    this.leaseMs = (o.leaseSeconds ?? 15) * 1000;
    this.renewMs = (o.renewSeconds ?? 2) * 1000;
    this.retryMs = (o.retrySeconds ?? o.renewSeconds ?? 2) * 1000;
    this.deadlineMs = o.renewDeadlineSeconds !== undefined ? o.renewDeadlineSeconds * 1000 : (this.leaseMs * 2) / 3;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  private get path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.o.namespace)}/leases`;
  }

  private get leasePath(): string {
    return `${this.path}/${encodeURIComponent(this.o.name)}`;
  }

  /** Resolves once this process holds the lease (the components after it start only then). */
  async start(): Promise<void> {
    this.stopping = new AbortController();
    this.observed = undefined;
    this.log.info({ identity: this.o.identity }, 'waiting for the lease');
    while (!(await this.tryAcquireOrRenew())) if (!(await this.pause(this.retryMs, true))) return;
    if (this.stopping.signal.aborted) return;
    this.leading = true;
    this.log.info({ identity: this.o.identity }, 'lease acquired');
    this.loop = this.renew();
  }

  /** Waits; false when stop() came first. `ref`: whether the wait alone keeps the process alive. */
  private async pause(ms: number, ref: boolean): Promise<boolean> {
    try {
      await timers.setTimeout(ms, undefined, { signal: this.stopping.signal, ref });
      return true;
    } catch {
      return false;
    }
  }

  private async renew(): Promise<void> {
    let lastRenew = Date.now();
    // Unref'd: the holder's renewals never keep a process alive that is done otherwise.
    while (await this.pause(this.renewMs, false)) {
      if (await this.tryAcquireOrRenew()) {
        lastRenew = Date.now();
        continue;
      }
      if (this.held === 'other' || Date.now() - lastRenew > this.deadlineMs) {
        this.leading = false;
        this.log.error({ identity: this.o.identity }, 'lease lost: stopping');
        this.o.onLost();
        return;
      }
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { http, identity } = this.o;
    const now = new Date();
    try {
      const got = await http.send('GET', this.leasePath);
      if (got.status === 404) {
        const created = await http.send('POST', this.path, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.o.name, namespace: this.o.namespace },
          spec: this.spec(now, now, 0),
        });
        // 409: another candidate created it first; the next round sees who.
        this.held = created.status === 201 ? 'me' : 'other';
        return created.status === 201;
      }
      if (got.status !== 200) throw new Error(`GET lease: HTTP ${got.status}`);
      const lease = got.body as LeaseObject;
      const spec = lease.spec ?? {};
      const holder = spec.holderIdentity;
      const mine = holder === identity;
      const record = JSON.stringify(spec);
      const renewed = this.observed !== undefined && this.observed.record !== record;
      if (this.observed?.record !== record) this.observed = { record, at: Date.now() };
      // A holder never takes back a lease another has written: someone believes it holds it.
      if (!mine && holder && (this.leading || !this.expired(spec, this.observed.at))) {
        this.held = 'other';
        if (this.o.whenHeld === 'refuse' && renewed && !this.leading)
          throw new LeaseHeld(holder, `${this.o.namespace}/${this.o.name}`);
        return false;
      }
      const acquire = mine && spec.acquireTime ? new Date(spec.acquireTime) : now;
      const transitions = (spec.leaseTransitions ?? 0) + (mine ? 0 : 1);
      // resourceVersion (in lease.metadata) makes a race between two writers lose cleanly (409) for one.
      const put = await http.send('PUT', this.leasePath, { ...lease, spec: this.spec(acquire, now, transitions) });
      // 409: someone else wrote the lease first; the next round sees who.
      this.held = put.status === 200 ? 'me' : 'other';
      return put.status === 200;
    } catch (err) {
      if (this.o.whenHeld === 'refuse' && !this.leading) throw err;
      this.log.warn({ err: (err as Error).message }, 'lease request failed');
      return false;
    }
  }

  /** Whether another's lease ran out: observed unrenewed for its duration (standby), or by its renewTime (refuse). */
  private expired(spec: LeaseSpec, observedAt: number): boolean {
    const duration = (spec.leaseDurationSeconds ?? this.leaseMs / 1000) * 1000;
    if (this.o.whenHeld !== 'refuse') return Date.now() >= observedAt + duration;
    return !spec.renewTime || new Date(spec.renewTime).getTime() + duration <= Date.now();
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
    this.stopping.abort();
    await this.loop;
    if (!this.leading) return;
    this.leading = false;
    try {
      const got = await this.o.http.send('GET', this.leasePath);
      const lease = got.body as LeaseObject;
      if (got.status === 200 && lease.spec?.holderIdentity === this.o.identity) {
        await this.o.http.send('PUT', this.leasePath, {
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
