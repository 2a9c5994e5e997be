// Token clients are checked again while they stay connected (issue 15: a revoked token, a deleted
// ServiceAccount or pod, or a removed serviceAccounts mapping kept its connection and its rights).
// Each token client is re-checked when its TokenReview answer stops being reused (the token cache's
// expiry, --token-cache-seconds, never past the token's own `exp`), so a revocation ends the
// connection within that window; a users-file reload re-checks every token client at once.
import type { Logger } from '@kubeblink/core';
import type { Client } from 'aedes';
import type { Authenticator } from './auth.ts';
import type { BrokerMetrics } from './broker-metrics.ts';
import type { ClientState } from './hooks.ts';

export interface RevalidatorOptions {
  auth: Authenticator;
  metrics: BrokerMetrics;
  log: Logger;
  stateOf: (client: Client) => Readonly<ClientState> | undefined;
  /** The shortest wait between two checks of one client (a zero cache time would spin). */
  minIntervalMs: number;
  /** After a failed TokenReview call (API server unreachable): the connection stays, checked again then. */
  retryMs: number;
  now?: () => number;
}

/** Why a re-check ends a connection: the refusal a new login would get, or a changed role. */
export type RevocationReason = 'token_invalid' | 'token_unbound' | 'token_unmapped' | 'principal_changed';

export class TokenRevalidator {
  private readonly timers = new Map<Client, NodeJS.Timeout>();
  private readonly opts: RevalidatorOptions;
  private readonly log: Logger;
  private readonly now: () => number;
  private stopped = false;

  constructor(opts: RevalidatorOptions) {
    this.opts = opts;
    this.log = opts.log.child({ module: 'token-revalidation' });
    this.now = opts.now ?? Date.now;
  }

  /** A client connected: if it logged in with a token, its re-check is scheduled. */
  watch(client: Client): void {
    const token = this.opts.stateOf(client)?.token;
    if (token) this.schedule(client, token.expires - this.now());
  }

  forget(client: Client): void {
    clearTimeout(this.timers.get(client));
    this.timers.delete(client);
  }

  /** After a users-file reload: a removed or changed mapping takes effect now, not at the cache's expiry. */
  recheckAll(): void {
    for (const client of [...this.timers.keys()]) this.schedule(client, 0, true);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(client: Client, delayMs: number, now = false): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(client));
    const timer = setTimeout(() => void this.recheck(client), now ? 0 : Math.max(delayMs, this.opts.minIntervalMs));
    timer.unref();
    this.timers.set(client, timer);
  }

  private async recheck(client: Client): Promise<void> {
    const state = this.opts.stateOf(client);
    if (!state?.token || client.closed) return this.forget(client);
    const result = await this.opts.auth.recheckToken(client.id, state.token.value).catch((err: Error) => ({
      ok: false as const,
      reason: 'token_review_failed' as const,
      returnCode: 3 as const,
      detail: err.message,
    }));
    if (!this.timers.has(client) || client.closed) return; // gone (or stopped) meanwhile
    if (!result.ok && result.reason === 'token_review_failed') {
      this.log.warn({ clientId: client.id, err: result.detail }, 'token re-check failed; the connection stays');
      return this.schedule(client, this.opts.retryMs);
    }
    let reason: RevocationReason | undefined;
    let detail = '';
    if (!result.ok) {
      reason = result.reason as RevocationReason;
      detail = result.detail;
    } else if (result.owner !== state.owner || !samePrincipal(result, state)) {
      reason = 'principal_changed';
      detail = `now ${result.principal.role} ${result.user}`;
    } else {
      return this.schedule(client, (result.token?.expires ?? 0) - this.now());
    }
    this.forget(client);
    this.opts.metrics.tokenRevocations.inc({ reason });
    // Logged once: the connection ends here and is not re-checked again.
    this.log.warn({ clientId: client.id, user: state.user, reason, detail }, 'token no longer valid: disconnecting');
    client.close();
  }
}

/** Whether a re-check grants exactly the rights the client has: role, clusters, pod and node. */
function samePrincipal(result: { principal: ClientState['principal']; node?: string }, state: Readonly<ClientState>) {
  const a = result.principal;
  const b = state.principal;
  return (
    a.role === b.role &&
    JSON.stringify(a.clusters) === JSON.stringify(b.clusters) &&
    JSON.stringify(a.pod) === JSON.stringify(b.pod) &&
    result.node === state.node
  );
}
