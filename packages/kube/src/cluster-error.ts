// A cluster error in words (issue 14): which cluster, which context of which kubeconfig (and why that
// one was used), what went wrong, and what to do. The raw client errors ("HTTP protocol is not allowed
// when skipTLSVerify is not set or false", "fetch failed", an ApiException's status) say none of that.
import type { FoundKubeconfig } from './cluster-discovery.ts';

export interface ClusterWhere {
  found: FoundKubeconfig;
  context: string;
  server: string;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET']);
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

/** The error codes and HTTP status in an error and its causes (client-node wraps fetch's errors). */
function facts(err: unknown): { codes: string[]; status?: number; message: string } {
  const codes: string[] = [];
  let status: number | undefined;
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const o = e as { code?: unknown; statusCode?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof o.code === 'string') codes.push(o.code);
    if (typeof o.code === 'number' && o.code >= 100) status ??= o.code;
    if (typeof o.statusCode === 'number') status ??= o.statusCode;
    for (const sub of o.errors ?? [])
      if (typeof (sub as { code?: unknown })?.code === 'string') codes.push((sub as { code: string }).code);
    e = o.cause;
  }
  return { codes, status, message: err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err) };
}

export function explainClusterError(err: unknown, w: ClusterWhere): string {
  const where = `cluster ${w.server || '(no server)'}, context "${w.context}" of ${w.found.file} (used because: ${w.found.why})`;
  const { codes, status, message } = facts(err);
  const simHint =
    w.found.source === 'sim'
      ? '`npx kubeblink sim status` shows its processes; `npx kubeblink sim down`, then `npm start`, starts it again.'
      : 'For the simulated cluster instead: start it with `npm start` and run this without --kubeconfig/KUBECONFIG.';
  let what: string;
  if (/HTTP protocol is not allowed/.test(message) || w.server.startsWith('http:'))
    what = `the server is plain http (${w.server}); kubeblink talks to an API server over https only. ${simHint}`;
  else if (codes.some((c) => UNREACHABLE.has(c)))
    what = `cannot reach the API server (${codes.find((c) => UNREACHABLE.has(c))}): is the cluster running? ${simHint}`;
  else if (codes.some((c) => TLS.test(c)))
    what = `the API server's TLS certificate was not accepted (${codes.find((c) => TLS.test(c))}): the kubeconfig's certificate-authority does not match this server.`;
  else if (status === 401)
    what =
      "the API server refused the credentials (HTTP 401): the kubeconfig's user is unknown there or its token expired.";
  else if (status === 403)
    what = `the API server forbids this user that request (HTTP 403: ${message}): the demos need a user that may create and delete namespaces, Deployments and Pods.`;
  else what = message;
  return `${where}: ${what}`;
}

/** Thrown once a cluster error is explained: the command prints its message as it is. */
export class ClusterError extends Error {
  override name = 'ClusterError';
  constructor(err: unknown, w: ClusterWhere) {
    super(explainClusterError(err, w), { cause: err });
  }
}
