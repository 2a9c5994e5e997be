// Where retained messages, QoS 1/2 sessions and last wills live.
//   memory: Aedes' default; everything is lost on restart (tests, throwaway setups).
//   level:  LevelDB (classic-level) in --data-dir; one broker replica (a StatefulSet with a volume).
//   redis:  aedes-persistence-redis plus mqemitter-redis: state AND message routing shared, so two
//           or more replicas behind one Service act as one broker.
// All three implement the async persistence interface Aedes 1.x requires (aedes-persistence 11:
// aedes-persistence-level 9.2, aedes-persistence-redis 12, mqemitter-redis 7).
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Logger } from '@kubeblink/core';
import type { BrokerSettings } from '@kubeblink/schemas';
import { type ClientIdStore, levelClientIds, memoryClientIds, redisClientIds } from './client-ids.ts';

const require = createRequire(import.meta.url);

/** `concurrency` (deliveries in flight): mqemitter-redis takes it directly; Aedes passes it to its default mq. */
export type PersistenceSettings = Pick<BrokerSettings, 'persistence' | 'dataDir' | 'redisUrl' | 'concurrency'>;

export interface Backend {
  kind: 'memory' | 'level' | 'redis';
  /** Aedes `persistence` option (undefined: Aedes' in-memory default). */
  persistence: unknown;
  /** Aedes `mq` option (undefined: the in-process mqemitter). */
  mq: unknown;
  /** Who owns each client id, kept beside the sessions (client-ids.ts). */
  clientIds: ClientIdStore;
  /** Closes the store once Aedes is closed (Aedes does not). */
  close(): Promise<void>;
}

export function resolveKind(s: PersistenceSettings): 'memory' | 'level' | 'redis' {
  const kind = s.persistence;
  if (kind === 'auto') return s.dataDir ? 'level' : 'memory';
  if (kind === 'level' && !s.dataDir) throw new Error('persistence level needs --data-dir');
  if (kind === 'redis' && !s.redisUrl) throw new Error('persistence redis needs --redis-url');
  return kind;
}

/** ioredis options from a redis:// or rediss:// URL. */
export function redisOptions(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

export async function createBackend(s: PersistenceSettings, log: Logger): Promise<Backend> {
  const kind = resolveKind(s);
  if (kind === 'memory') {
    log.info('persistence: memory (retained messages and sessions are lost on restart)');
    return { kind, persistence: undefined, mq: undefined, clientIds: memoryClientIds(), close: async () => {} };
  }
  if (kind === 'level') {
    const dir = s.dataDir as string;
    mkdirSync(dir, { recursive: true });
    const { ClassicLevel } = await import('classic-level');
    const db = new ClassicLevel(dir);
    await db.open();
    // The packages' main exports wrap the async implementations in aedes-persistence's
    // CallBackPersistence: promises when called without a callback (as Aedes 1.x does), and
    // retained messages as a stream (redis' own class returns an async iterable Aedes 1.2 cannot pipe).
    const levelPersistence = require('aedes-persistence-level');
    log.info({ dir }, 'persistence: level');
    const persistence = levelPersistence(db);
    const clientIds = levelClientIds(
      db.sublevel<string, string>('kubeblink-client-id-owner', { valueEncoding: 'utf8' }),
    );
    return { kind, persistence, mq: undefined, clientIds, close: () => persistence.destroy() };
  }
  const url = s.redisUrl as string;
  const redisPersistence = require('aedes-persistence-redis');
  const mqemitterRedis = require('mqemitter-redis');
  // The persistence's own ioredis (its dependency, resolved from it): one connection serves both
  // the sessions and the client-id owners that guard them.
  const Redis = createRequire(require.resolve('aedes-persistence-redis'))('ioredis');
  const conn = new Redis(redisOptions(url));
  const persistence = redisPersistence({ conn });
  const mq = mqemitterRedis({ ...redisOptions(url), concurrency: s.concurrency });
  log.info({ host: new URL(url).host }, 'persistence: redis (shared by every replica)');
  return {
    kind,
    persistence,
    mq,
    clientIds: redisClientIds(conn),
    close: async () => {
      await persistence.destroy();
    },
  };
}
