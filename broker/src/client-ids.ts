// Who owns a client id (issue 15 point 1, docs/design.md "Security"). An MQTT session is found by
// its client id alone (MQTT-3.1.2-4), so without an owner anyone who knows an id (the watcher's is
// in its retained status) could resume the session and receive its queued messages, wipe it with
// CleanSession=1, or hold the id while its user is offline. The first principal (users-file user or
// ServiceAccount) that connects with an id claims it; every later CONNECT with that id by another
// principal, or by an anonymous client, is refused with CONNACK 0x02 "identifier rejected"
// (MQTT-3.2.2-3 lists it as the answer for an id the server does not allow).
//
// The claims live beside the sessions they guard: in memory (lost with the sessions on restart),
// in the LevelDB of --data-dir, or in the Redis every replica shares; a claim is written with
// "set if absent" semantics so two replicas racing for one id agree on one owner.
export interface ClientIdStore {
  /** The id's owner, claiming it for `owner` when it has none (atomic per backend). */
  claim(clientId: string, owner: string): Promise<string>;
  /** The id's owner, or undefined (anonymous clients look, never claim). */
  ownerOf(clientId: string): Promise<string | undefined>;
}

export function memoryClientIds(): ClientIdStore {
  const owners = new Map<string, string>();
  return {
    async claim(id, owner) {
      const had = owners.get(id);
      if (had !== undefined) return had;
      owners.set(id, owner);
      return owner;
    },
    async ownerOf(id) {
      return owners.get(id);
    },
  };
}

/** Minimal view of a classic-level sublevel (strings in, strings out). */
interface LevelLike {
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string): Promise<void>;
}

export function levelClientIds(db: LevelLike): ClientIdStore {
  // One broker process owns a LevelDB: serialising claims per id in-process makes them atomic.
  const pending = new Map<string, Promise<string>>();
  const ownerOf = async (id: string) => (await db.get(id)) ?? undefined;
  return {
    claim(id, owner) {
      const before = pending.get(id) ?? Promise.resolve('');
      const next = before.then(async () => {
        const had = await ownerOf(id);
        if (had !== undefined) return had;
        await db.put(id, owner);
        return owner;
      });
      pending.set(id, next);
      void next.finally(() => pending.get(id) === next && pending.delete(id)).catch(() => {});
      return next;
    },
    ownerOf,
  };
}

/** Minimal view of an ioredis client. */
interface RedisLike {
  set(key: string, value: string, nx: 'NX'): Promise<'OK' | null>;
  get(key: string): Promise<string | null>;
}

const REDIS_KEY = 'kubeblink:client-id-owner:';

export function redisClientIds(redis: RedisLike): ClientIdStore {
  return {
    async claim(id, owner) {
      // SET NX: of two replicas claiming at once exactly one wins; the loser reads the winner.
      if ((await redis.set(REDIS_KEY + id, owner, 'NX')) === 'OK') return owner;
      return (await redis.get(REDIS_KEY + id)) ?? owner;
    },
    async ownerOf(id) {
      return (await redis.get(REDIS_KEY + id)) ?? undefined;
    },
  };
}
