// Who is connecting: a users-file user (scrypt password), a Kubernetes ServiceAccount token
// (TokenReview), or an anonymous client (only when the operator allowed it).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '@kubeblink/core';
import type { BrokerUser } from '@kubeblink/schemas';
import type { Derive } from './hash-workers.ts';
import { DEFAULT_COST, parseHash, verifyPassword } from './password.ts';
import { looksLikeJwt, mappingFor, principalForToken, type TokenReviewCache } from './tokens.ts';
import { EMPTY_USERS, type UsersTable } from './users.ts';

export type DenyReason =
  | 'anonymous'
  | 'bad_credentials'
  | 'token_invalid'
  | 'token_unbound'
  | 'token_unmapped'
  | 'token_review_failed';

export type AuthResult =
  | {
      ok: true;
      principal: Principal;
      user: string;
      via: 'password' | 'token' | 'anonymous';
      /**
       * The principal that owns the client ids it uses (client-ids.ts): `user:<name>` or
       * `serviceaccount:<namespace>/<name>`; none for anonymous clients, which own no id.
       */
      owner?: string;
      /** The users-file entry a password login matched: a reload that changes it disconnects the client. */
      entry?: BrokerUser;
      /** A token login: the token, re-checked while the client stays connected (token-revalidation.ts). */
      token?: { value: string; expires: number };
      /** The node whose signals an app may publish (signal-nodes.ts); undefined: none known. */
      node?: string;
    }
  // returnCode: MQTT 3.1.1 CONNACK 4 (bad user name or password) or 5 (not authorized), 3 (server unavailable).
  | { ok: false; reason: DenyReason; returnCode: 3 | 4 | 5; detail: string };

export interface AuthenticatorOptions {
  allowAnonymous: boolean;
  allowAnonymousRead: boolean;
  tokens?: TokenReviewCache;
  /** --token-cluster: the one cluster token clients may touch. */
  tokenCluster?: string;
  /** Each scrypt check run (not the cache hits), for kubeblink_broker_password_checks_total. */
  onPasswordCheck?: (result: 'ok' | 'wrong' | 'unknown_user') => void;
  /** Where scrypt runs (hash-workers.ts); Node's thread pool when absent. */
  derive?: Derive;
}

/**
 * A hash no password matches, with the cost parameters of the users file's first entry: an unknown
 * username is checked against it so that it costs as long as a wrong password (issue 15: 1.4 ms
 * against 99 ms told which usernames exist).
 */
function decoyHash(table: UsersTable): string {
  let cost: { N: number; r: number; p: number } = DEFAULT_COST;
  for (const user of table.users.values()) {
    try {
      cost = parseHash(user.passwordHash);
      break;
    } catch {
      // A malformed hash costs nothing to refuse; look at the next one.
    }
  }
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${randomBytes(16).toString('base64')}$${randomBytes(32).toString('base64')}`;
}

export class Authenticator {
  private table: UsersTable = EMPTY_USERS;
  private decoy = decoyHash(EMPTY_USERS);
  private readonly opts: AuthenticatorOptions;
  // scrypt is deliberately slow; a reconnect storm of the same clients should not cost one scrypt
  // each. Remembers sha256(password) of recent successes per user and hash; bounded.
  private readonly verified = new Map<string, Buffer>();

  constructor(opts: AuthenticatorOptions) {
    this.opts = opts;
  }

  setUsers(table: UsersTable): void {
    this.table = table;
    this.decoy = decoyHash(table);
    this.verified.clear();
  }

  get users(): UsersTable {
    return this.table;
  }

  async authenticate(
    clientId: string,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<AuthResult> {
    if (username === undefined && password === undefined) return this.anonymous(clientId);
    const secret = password?.toString('utf8') ?? '';
    const user = username !== undefined ? this.table.users.get(username) : undefined;
    if (user) {
      if (!(await this.checkPassword(user.username, user.passwordHash, secret))) {
        return { ok: false, reason: 'bad_credentials', returnCode: 4, detail: `wrong password for ${user.username}` };
      }
      return {
        ok: true,
        user: user.username,
        via: 'password',
        owner: `user:${user.username}`,
        entry: user,
        node: user.pod?.node,
        principal: {
          role: user.role,
          clientId,
          clusters: user.clusters,
          pod: user.pod && { namespace: user.pod.namespace, name: user.pod.name },
        },
      };
    }
    if (this.opts.tokens && looksLikeJwt(secret)) return this.token(clientId, secret);
    await verifyPassword(secret, this.decoy, this.opts.derive);
    this.opts.onPasswordCheck?.('unknown_user');
    return { ok: false, reason: 'bad_credentials', returnCode: 4, detail: `unknown user ${username ?? '(none)'}` };
  }

  private anonymous(clientId: string): AuthResult {
    if (this.opts.allowAnonymous) {
      return { ok: true, user: '(anonymous)', via: 'anonymous', principal: { role: 'admin', clientId } };
    }
    if (this.opts.allowAnonymousRead) {
      return { ok: true, user: '(anonymous)', via: 'anonymous', principal: { role: 'anonymous', clientId } };
    }
    return { ok: false, reason: 'anonymous', returnCode: 5, detail: 'anonymous clients are not allowed' };
  }

  /** A connected token client's check again: the same review (cached until its expiry) and mapping. */
  recheckToken(clientId: string, token: string): Promise<AuthResult> {
    return this.token(clientId, token);
  }

  private async token(clientId: string, token: string): Promise<AuthResult> {
    let check: Awaited<ReturnType<TokenReviewCache['check']>>;
    try {
      check = await (this.opts.tokens as TokenReviewCache).check(token);
    } catch (err) {
      // The API server is unreachable: say "server unavailable" so the client retries.
      return { ok: false, reason: 'token_review_failed', returnCode: 3, detail: (err as Error).message };
    }
    if (!check.ok) return { ok: false, reason: check.reason, returnCode: 4, detail: check.detail };
    const mapping = mappingFor(check.identity, this.table.serviceAccounts);
    const sa = `${check.identity.namespace}/${check.identity.serviceAccount}`;
    if (!mapping) {
      return { ok: false, reason: 'token_unmapped', returnCode: 5, detail: `ServiceAccount ${sa} has no role` };
    }
    return {
      ok: true,
      user: `serviceaccount:${sa} pod:${check.identity.pod.name}`,
      via: 'token',
      owner: `serviceaccount:${sa}`,
      token: { value: token, expires: check.expires },
      node: check.identity.node,
      principal: principalForToken(check.identity, mapping, clientId, this.opts.tokenCluster),
    };
  }

  private async checkPassword(username: string, encoded: string, password: string): Promise<boolean> {
    const key = `${username}\0${encoded}`;
    const digest = createHash('sha256').update(password).digest();
    const known = this.verified.get(key);
    if (known && timingSafeEqual(known, digest)) return true;
    const ok = await verifyPassword(password, encoded, this.opts.derive);
    this.opts.onPasswordCheck?.(ok ? 'ok' : 'wrong');
    if (!ok) return false;
    if (this.verified.size >= 10_000) this.verified.clear();
    this.verified.set(key, digest);
    return true;
  }
}
