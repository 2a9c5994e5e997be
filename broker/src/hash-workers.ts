// Password checks on their own threads (issue 15 point 3). node:crypto's async scrypt runs on Node's
// thread pool (4 threads), which LevelDB and the file system share: a login flood made retained
// deliveries wait 9-15 s and delayed a users-file reload by minutes. Here each check runs
// scryptSync on one of `size` worker threads, blocking only that thread; the login gate
// (login-gate.ts) never gives them more than `loginConcurrency` checks at once.
import { Worker } from 'node:worker_threads';

export interface ScryptJob {
  password: string;
  salt: Buffer;
  length: number;
  N: number;
  r: number;
  p: number;
  maxmem: number;
}

export type Derive = (job: ScryptJob) => Promise<Buffer>;

// Plain JavaScript, evaluated: no file to resolve, whatever loader runs the broker's TypeScript.
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', ({ id, job }) => {
  try {
    const key = scryptSync(job.password, job.salt, job.length, { N: job.N, r: job.r, p: job.p, maxmem: job.maxmem });
    parentPort.postMessage({ id, key });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message) });
  }
});
`;

interface Pending {
  resolve: (key: Buffer) => void;
  reject: (err: Error) => void;
}

export class HashWorkers {
  private readonly size: number;
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private readonly waiting: { job: ScryptJob; pending: Pending }[] = [];
  private readonly pending = new Map<number, Pending>();
  /** The job id each busy worker runs. */
  private readonly busy = new Map<Worker, number>();
  private nextId = 0;

  constructor(size: number) {
    this.size = size;
  }

  /** scrypt of one job on a worker thread (started on first use, at most `size`). */
  readonly derive: Derive = (job) =>
    new Promise<Buffer>((resolve, reject) => {
      this.waiting.push({ job, pending: { resolve, reject } });
      this.dispatch();
    });

  /** Ends the threads; checks still running are rejected. */
  async stop(): Promise<void> {
    const workers = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    this.busy.clear();
    await Promise.all(workers.map((w) => w.terminate()));
    for (const p of this.pending.values()) p.reject(new Error('password hashing stopped'));
    this.pending.clear();
    for (const w of this.waiting.splice(0)) w.pending.reject(new Error('password hashing stopped'));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const worker = this.idle.pop() ?? (this.all.size < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const { job, pending } = this.waiting.shift() as (typeof this.waiting)[number];
      const id = this.nextId++;
      this.pending.set(id, pending);
      this.busy.set(worker, id);
      worker.postMessage({ id, job });
    }
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER, { eval: true });
    // Idle hash threads never keep the process alive.
    worker.unref();
    this.all.add(worker);
    worker.on('message', ({ id, key, error }: { id: number; key?: Uint8Array; error?: string }) => {
      const p = this.pending.get(id);
      this.pending.delete(id);
      this.busy.delete(worker);
      if (key) p?.resolve(Buffer.from(key.buffer, key.byteOffset, key.byteLength));
      else p?.reject(new Error(error ?? 'scrypt failed'));
      if (this.all.has(worker)) this.idle.push(worker);
      this.dispatch();
    });
    worker.on('error', (err) => {
      // A crashed thread: forget it; the next job starts a new one.
      this.all.delete(worker);
      const id = this.busy.get(worker);
      this.busy.delete(worker);
      if (id !== undefined) {
        this.pending.get(id)?.reject(err);
        this.pending.delete(id);
      }
      this.dispatch();
    });
    return worker;
  }
}
