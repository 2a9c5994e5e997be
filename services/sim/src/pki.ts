// Certificates and keys for the simulated control plane, made with the system's `openssl` CLI:
// node:crypto can generate keys but cannot issue X.509 certificates, and openssl is on every
// machine that builds Kubernetes (Debian package `openssl`). Keys are ECDSA P-256 (fast to make);
// the service-account signing key is RSA 2048, the most widely understood JWT algorithm (RS256).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pki {
  dir: string;
  caCrt: string;
  caKey: string;
  frontProxyCaCrt: string;
  saKey: string;
  saPub: string;
  /** name -> {crt, key}: apiserver, kwok, metrics-server (serving); admin, controller-manager,
   * scheduler, front-proxy-client, apiserver-kubelet-client (clients) */
  certs: Record<string, { crt: string; key: string }>;
}

/** `openssl req` options for a new unencrypted ECDSA P-256 key (the CA's and every leaf's). */
const NEW_EC_KEY = ['-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT')
      throw new Error(
        "the `openssl` command is needed to make the simulated cluster's certificates (apt-get install openssl)",
      );
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString() ?? e.message}`);
  }
}

function makeCa(dir: string, name: string, cn: string): { crt: string; key: string } {
  const crt = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const cnf = join(dir, `${name}.cnf`);
  writeFileSync(
    cnf,
    [
      '[req]',
      'distinguished_name = dn',
      '[dn]',
      '[v3]',
      'basicConstraints = critical,CA:TRUE',
      'keyUsage = critical,keyCertSign,cRLSign,digitalSignature',
      'subjectKeyIdentifier = hash',
      '',
    ].join('\n'),
  );
  openssl([
    'req',
    '-x509',
    '-new',
    ...NEW_EC_KEY,
    '-keyout',
    key,
    '-out',
    crt,
    '-days',
    '3650',
    '-subj',
    `/CN=${cn}`,
    '-config',
    cnf,
    '-extensions',
    'v3',
  ]);
  return { crt, key };
}

interface LeafOpts {
  cn: string;
  org?: string;
  sans?: string[]; // "DNS:x" / "IP:1.2.3.4"
}

function makeLeaf(
  dir: string,
  name: string,
  ca: { crt: string; key: string },
  o: LeafOpts,
): { crt: string; key: string } {
  const crt = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cnf = join(dir, `${name}.cnf`);
  const ext = [
    '[req]',
    'distinguished_name = dn',
    '[dn]',
    '[v3]',
    'basicConstraints = critical,CA:FALSE',
    'keyUsage = critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage = ${o.sans ? 'serverAuth,clientAuth' : 'clientAuth'}`,
    'authorityKeyIdentifier = keyid',
  ];
  if (o.sans) ext.push(`subjectAltName = ${o.sans.join(',')}`);
  writeFileSync(cnf, `${ext.join('\n')}\n`);
  const subj = `${o.org ? `/O=${o.org}` : ''}/CN=${o.cn}`;
  openssl(['req', '-new', ...NEW_EC_KEY, '-keyout', key, '-out', csr, '-subj', subj, '-config', cnf]);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.crt,
    '-CAkey',
    ca.key,
    '-set_serial',
    `0x${randomBytes(12).toString('hex')}`,
    '-days',
    '3650',
    '-extfile',
    cnf,
    '-extensions',
    'v3',
    '-out',
    crt,
  ]);
  return { crt, key };
}

/** Creates every certificate and key the control plane needs, in `dir` (which must exist). */
export function makePki(dir: string): Pki {
  const ca = makeCa(dir, 'ca', 'kubeblink-sim-ca');
  // The aggregation layer authenticates the apiserver's proxied requests with a separate CA, so
  // that certificates from the main CA cannot assert front-proxy identity headers.
  const fp = makeCa(dir, 'front-proxy-ca', 'kubeblink-sim-front-proxy-ca');
  const certs: Pki['certs'] = {
    apiserver: makeLeaf(dir, 'apiserver', ca, {
      cn: 'kube-apiserver',
      sans: [
        'IP:127.0.0.1',
        'IP:10.96.0.1',
        'DNS:localhost',
        'DNS:kubernetes',
        'DNS:kubernetes.default',
        'DNS:kubernetes.default.svc',
        'DNS:kubernetes.default.svc.cluster.local',
      ],
    }),
    // Identities RBAC's bootstrap roles already know, so each component has only its own rights.
    'controller-manager': makeLeaf(dir, 'controller-manager', ca, { cn: 'system:kube-controller-manager' }),
    scheduler: makeLeaf(dir, 'scheduler', ca, { cn: 'system:kube-scheduler' }),
    // The user's and KWOK's identity: KWOK writes node and pod status for every node, like many
    // kubelets at once, which the Node authorizer would not allow a single identity.
    admin: makeLeaf(dir, 'admin', ca, { cn: 'kubeblink-admin', org: 'system:masters' }),
    'apiserver-kubelet-client': makeLeaf(dir, 'apiserver-kubelet-client', ca, {
      cn: 'kube-apiserver-kubelet-client',
      org: 'system:masters',
    }),
    'front-proxy-client': makeLeaf(dir, 'front-proxy-client', fp, { cn: 'front-proxy-client' }),
    // KWOK's server plays every node's kubelet endpoint at 127.0.0.1 (metrics, logs, exec).
    kwok: makeLeaf(dir, 'kwok', ca, { cn: 'kwok', sans: ['IP:127.0.0.1', 'DNS:localhost'] }),
    // The aggregator dials metrics-server through an ExternalName Service and checks the
    // certificate against the Service's DNS name.
    'metrics-server': makeLeaf(dir, 'metrics-server', ca, {
      cn: 'metrics-server',
      sans: ['DNS:metrics-server.kube-system.svc', 'DNS:localhost', 'IP:127.0.0.1'],
    }),
  };
  const saKey = join(dir, 'sa.key');
  const saPub = join(dir, 'sa.pub');
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', saKey]);
  openssl(['pkey', '-in', saKey, '-pubout', '-out', saPub]);
  return { dir, caCrt: ca.crt, caKey: ca.key, frontProxyCaCrt: fp.crt, saKey, saPub, certs };
}
