// Kubernetes ServiceAccount tokens as MQTT passwords, checked with a TokenReview.
// Only bound tokens are accepted (projected volume tokens: their review names the pod in
// user.extra, and the API server has checked that pod still exists with that UID), and only for
// the kubeblink audience. A role comes from the users file's serviceAccounts mapping; role app
// gets exactly the pod named in the token, which is how "an app publishes only its own signals"
// holds in a cluster without a password per pod.
import { createHash } from 'node:crypto';
import type { Principal } from '@kubeblink/core';
import type { ServiceAccountRole } from '@kubeblink/schemas';

export const POD_NAME_EXTRA = 'authentication.kubernetes.io/pod-name';
export const POD_UID_EXTRA = 'authentication.kubernetes.io/pod-uid';
// Set by the API server since Kubernetes 1.30 (ServiceAccountTokenPodNodeInfo, GA in 1.32) when the
// bound pod is scheduled: the node the pod really runs on (issue 15: an app signed for any node).
export const NODE_NAME_EXTRA = 'authentication.kubernetes.io/node-name';
const SA_PREFIX = 'system:serviceaccount:';

/** The part of a TokenReview status we read (authentication.k8s.io/v1). */
export interface ReviewStatus {
  authenticated?: boolean;
  error?: string;
  audiences?: string[];
  user?: { username?: string; uid?: string; extra?: Record<string, string[]> };
}

export interface TokenIdentity {
  namespace: string;
  serviceAccount: string;
  pod: { name: string; uid: string };
  /** The pod's node, from the token's claims; absent on Kubernetes before 1.30 or for an unscheduled pod. */
  node?: string;
}

export type TokenCheck =
  | { ok: true; identity: TokenIdentity }
  | { ok: false; reason: 'token_invalid' | 'token_unbound'; detail: string };

/** Reads a review's result: authenticated, for our audience, a ServiceAccount, bound to a pod. */
export function identityFromReview(status: ReviewStatus | undefined, audience: string): TokenCheck {
  if (!status?.authenticated) {
    return { ok: false, reason: 'token_invalid', detail: status?.error || 'token not authenticated' };
  }
  if (status.audiences && !status.audiences.includes(audience)) {
    return { ok: false, reason: 'token_invalid', detail: `token is not for audience ${audience}` };
  }
  const username = status.user?.username ?? '';
  const sa = username.startsWith(SA_PREFIX) ? username.slice(SA_PREFIX.length).split(':') : [];
  if (sa.length !== 2 || !sa[0] || !sa[1]) {
    return { ok: false, reason: 'token_invalid', detail: `${username || 'the user'} is not a ServiceAccount` };
  }
  const podName = status.user?.extra?.[POD_NAME_EXTRA]?.[0];
  const podUid = status.user?.extra?.[POD_UID_EXTRA]?.[0];
  if (!podName || !podUid) {
    return { ok: false, reason: 'token_unbound', detail: 'only tokens bound to a pod are accepted (projected volume)' };
  }
  const node = status.user?.extra?.[NODE_NAME_EXTRA]?.[0] || undefined;
  return {
    ok: true,
    identity: {
      namespace: sa[0],
      serviceAccount: sa[1],
      pod: { name: podName, uid: podUid },
      ...(node ? { node } : {}),
    },
  };
}

/** The first mapping entry for the token's ServiceAccount ('*' matches every name of the namespace). */
export function mappingFor(identity: TokenIdentity, mappings: readonly ServiceAccountRole[]) {
  return mappings.find(
    (m) => m.namespace === identity.namespace && (m.name === '*' || m.name === identity.serviceAccount),
  );
}

/**
 * The rights a token grants. With `cluster` (--token-cluster: the cluster the tokens come from) a
 * token client touches only that cluster, and only if its mapping allows it.
 */
export function principalForToken(
  identity: TokenIdentity,
  mapping: ServiceAccountRole,
  clientId: string,
  cluster?: string,
): Principal {
  const clusters = cluster ? (mapping.clusters ?? [cluster]).filter((c) => c === cluster) : mapping.clusters;
  return {
    role: mapping.role,
    clientId,
    clusters,
    // An app pod's identity is the pod named in its token, never anything the client says.
    pod: mapping.role === 'app' ? { namespace: identity.namespace, name: identity.pod.name } : undefined,
  };
}

/** A JWT as Kubernetes issues them: three base64url parts, a JSON header. */
export function looksLikeJwt(password: string): boolean {
  return password.startsWith('eyJ') && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(password);
}

/** The token's `exp` (seconds since the epoch), read without verifying: only to bound caching. */
export function tokenExpiry(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload.exp === 'number' ? payload.exp : undefined;
  } catch {
    return undefined;
  }
}

export type Reviewer = (token: string, audience: string) => Promise<ReviewStatus | undefined>;

/** TokenReviews through @kubernetes/client-node, loaded only when token authentication is on. */
export async function kubeReviewer(kubeconfig: string | undefined): Promise<Reviewer> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else kc.loadFromDefault(); // in a pod: the ServiceAccount's own token and CA
  const api = kc.makeApiClient(k8s.AuthenticationV1Api);
  return async (token, audience) => {
    const review = await api.createTokenReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: [audience] } },
    });
    return review.status as ReviewStatus | undefined;
  };
}

/**
 * Caches reviews briefly (never past the token's expiry), so a reconnect storm costs one review per
 * token; concurrent checks of one token share one review (issue 15: 50 CONNECTs at once were 50
 * TokenReviews). How many reviews run at once, and how many failures one address may cause, is the
 * login gate's (login-gate.ts).
 */
export class TokenReviewCache {
  private readonly cache = new Map<string, { expires: number; result: TokenCheck }>();
  private readonly inflight = new Map<string, Promise<TokenCheck>>();
  private readonly reviewer: Reviewer;
  private readonly audience: string;
  private readonly ttlMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(opts: { reviewer: Reviewer; audience: string; ttlMs: number; max?: number; now?: () => number }) {
    this.reviewer = opts.reviewer;
    this.audience = opts.audience;
    this.ttlMs = opts.ttlMs;
    this.max = opts.max ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /**
   * The review's result; `expires` (ms since the epoch) is when this answer stops being reused: a
   * connected client is re-checked then at the latest (token-revalidation.ts).
   */
  async check(token: string): Promise<TokenCheck & { cached: boolean; expires: number }> {
    const key = createHash('sha256').update(token).digest('base64');
    const now = this.now();
    const hit = this.cache.get(key);
    if (hit && hit.expires > now) return { ...hit.result, cached: true, expires: hit.expires };
    if (hit) this.cache.delete(key);
    const running = this.inflight.get(key);
    if (running) {
      const shared = await running;
      return { ...shared, cached: true, expires: this.cache.get(key)?.expires ?? now };
    }
    // A failed API call is not an answer about the token: it throws (for every sharer) and is not cached.
    const review = this.reviewer(token, this.audience).then((status) => identityFromReview(status, this.audience));
    this.inflight.set(key, review);
    let result: TokenCheck;
    try {
      result = await review;
    } finally {
      this.inflight.delete(key);
    }
    const exp = tokenExpiry(token);
    const expires = Math.min(now + this.ttlMs, exp !== undefined ? exp * 1000 : Number.POSITIVE_INFINITY);
    if (expires > now) {
      if (this.cache.size >= this.max) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, { expires, result });
    }
    return { ...result, cached: false, expires };
  }
}
