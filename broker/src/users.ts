// The users file: parsed and validated as a whole, swapped in atomically, watched for changes.
// A Kubernetes Secret mounted as a volume is updated by swapping a `..data` symlink in the
// directory, so the directory is watched (not the file), with a periodic stat as a fallback
// for file systems whose change notifications get lost. A file that fails to load on reload
// keeps the previous users: a typo must not lock every client out.
import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from '@kubeblink/core';
import { type BrokerUser, type BrokerUsers, type ServiceAccountRole, validateConfig } from '@kubeblink/schemas';
import { parse as parseYaml } from 'yaml';
import { parseHash } from './password.ts';

export interface UsersTable {
  users: ReadonlyMap<string, BrokerUser>;
  serviceAccounts: readonly ServiceAccountRole[];
  /** sha256 of the file's bytes: unchanged content is not reloaded. */
  digest: string;
}

export const EMPTY_USERS: UsersTable = { users: new Map(), serviceAccounts: [], digest: '' };

export class UsersFileError extends Error {
  override name = 'UsersFileError';
}

/** Parses and checks a users file's text; throws UsersFileError listing every problem. */
export function parseUsers(text: string, source: string): UsersTable {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UsersFileError(`${source}: not YAML: ${(err as Error).message}`);
  }
  const result = validateConfig('brokerUsers', doc);
  if (!result.ok) throw new UsersFileError(`${source}:\n  - ${result.errors.join('\n  - ')}`);
  const file = doc as BrokerUsers;
  const problems: string[] = [];
  const users = new Map<string, BrokerUser>();
  for (const [i, u] of file.users.entries()) {
    if (users.has(u.username)) problems.push(`/users/${i} duplicate username ${u.username}`);
    if (u.role === 'app' && !u.pod)
      problems.push(`/users/${i} role app needs a pod (the pod whose signals it publishes)`);
    try {
      parseHash(u.passwordHash);
    } catch (err) {
      problems.push(`/users/${i}/passwordHash ${(err as Error).message}`);
    }
    users.set(u.username, u);
  }
  if (problems.length) throw new UsersFileError(`${source}:\n  - ${problems.join('\n  - ')}`);
  return {
    users,
    serviceAccounts: file.serviceAccounts ?? [],
    digest: createHash('sha256').update(text).digest('hex'),
  };
}

export interface UsersWatcherOptions {
  path: string;
  pollIntervalMs: number;
  log: Logger;
  /** Called after every successful (re)load that changed the content. */
  onLoad: (table: UsersTable) => void;
  /** Called for every failed reload (the previous users stay in force). */
  onError?: (err: Error) => void;
}

/** Loads the users file at start (failing hard) and on every change (failing soft). */
export class UsersWatcher {
  readonly name = 'users';
  private readonly opts: UsersWatcherOptions;
  private readonly log: Logger;
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private lastStat = '';
  private digest = '';
  private reloading: Promise<void> | undefined;
  private again = false;

  constructor(opts: UsersWatcherOptions) {
    this.opts = opts;
    this.log = opts.log.child({ module: 'users' });
  }

  async start(): Promise<void> {
    const table = parseUsers(await readFile(this.opts.path, 'utf8'), this.opts.path);
    this.lastStat = await this.statKey();
    this.apply(table);
    const file = basename(this.opts.path);
    try {
      this.watcher = watch(dirname(this.opts.path), { persistent: false }, (_event, name) => {
        // Secrets swap `..data`; ConfigMaps and editors rename or rewrite the file itself.
        if (!name || name === file || name.startsWith('..')) this.schedule();
      });
      this.watcher.on('error', (err) => this.log.warn({ err: err.message }, 'watching the users file failed; polling'));
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'cannot watch the users directory; polling only');
    }
    this.poll = setInterval(() => {
      this.statKey().then((key) => {
        if (key !== this.lastStat) this.schedule();
      });
    }, this.opts.pollIntervalMs);
    this.poll.unref();
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    clearInterval(this.poll);
    clearTimeout(this.debounce);
    await this.reloading;
  }

  /** Reloads now (tests, SIGHUP); resolves when done. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = this.doReload().finally(() => {
      this.reloading = undefined;
      if (this.again) {
        this.again = false;
        void this.reload();
      }
    });
    return this.reloading;
  }

  private schedule(): void {
    clearTimeout(this.debounce);
    // Writers and the kubelet touch several entries in a row: reload once they are done.
    this.debounce = setTimeout(() => void this.reload(), 100);
  }

  private async statKey(): Promise<string> {
    try {
      const s = await stat(this.opts.path);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }

  private async doReload(): Promise<void> {
    this.lastStat = await this.statKey();
    try {
      const table = parseUsers(await readFile(this.opts.path, 'utf8'), this.opts.path);
      if (table.digest !== this.digest) this.apply(table);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'users file reload failed; keeping the previous users');
      this.opts.onError?.(err as Error);
    }
  }

  private apply(table: UsersTable): void {
    this.digest = table.digest;
    this.log.info({ users: table.users.size, serviceAccounts: table.serviceAccounts.length }, 'users loaded');
    this.opts.onLoad(table);
  }
}
