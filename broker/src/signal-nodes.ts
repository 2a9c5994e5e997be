// Signals carry the truth (issue 15: an app could sign its own pod's signals under any node, and an
// LED board would light the wrong Pi). An app's signals are accepted only under the node its pod
// runs on:
// - a token login: the node named by the token's review (user.extra
//   authentication.kubernetes.io/node-name, Kubernetes 1.30+; the API server fills it from the
//   bound pod's spec.nodeName, so it cannot be chosen by the client);
// - a users-file entry: the `pod.node` its entry names ('*': any node, the operator vouches);
// - neither (a token without the claim, an entry without `node`): no signal is accepted.
// The cluster segment is the ACL's (the principal's clusters; --token-cluster for tokens).
import type { Principal } from '@kubeblink/core';

export const ANY_NODE = '*';

/** Why an app may not publish this signal under `node`, or undefined when it may. */
export function signalNodeRefusal(principal: Principal, ownNode: string | undefined, node: string): string | undefined {
  if (principal.role !== 'app') return undefined; // only apps and admins publish signals (acl.ts)
  if (ownNode === undefined) {
    return 'the broker does not know which node this pod runs on (no node claim in its token, no pod.node in its users-file entry)';
  }
  if (ownNode === ANY_NODE || ownNode === node) return undefined;
  return `pod runs on node ${ownNode}, not ${node}`;
}
