// A container's environment as the kubelet builds it (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables):
// envFrom first, then env in order; `$(VAR)` expands earlier variables; valueFrom reads the pod
// (downward API fieldRef / resourceFieldRef) or a ConfigMap/Secret. A missing required key is a
// CreateContainerConfigError, as on a real node.
import type { V1Container, V1Pod } from '@kubernetes/client-node';

export class ContainerConfigError extends Error {
  override name = 'ContainerConfigError';
}

export interface EnvSources {
  /** Data of a ConfigMap or (decoded) Secret in the pod's namespace; undefined if it does not exist. */
  configMap(name: string): Promise<Record<string, string> | undefined>;
  secret(name: string): Promise<Record<string, string> | undefined>;
}

export const noEnvSources: EnvSources = {
  configMap: async () => undefined,
  secret: async () => undefined,
};

/** The downward API's fieldRef paths (k8s.io/kubernetes/pkg/apis/core/validation validEnvDownwardAPIFieldPathExpressions). */
export function fieldRef(pod: V1Pod, path: string): string {
  const md = pod.metadata ?? {};
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (keyed) return (keyed[1] === 'labels' ? md.labels : md.annotations)?.[keyed[2] as string] ?? '';
  switch (path) {
    case 'metadata.name':
      return md.name ?? '';
    case 'metadata.namespace':
      return md.namespace ?? '';
    case 'metadata.uid':
      return md.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
    case 'status.hostIPs':
      return (pod.status?.hostIPs ?? []).map((i) => i.ip).join(',');
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.podIPs':
      return (pod.status?.podIPs ?? []).map((i) => i.ip).join(',');
    default:
      throw new ContainerConfigError(`unsupported fieldRef fieldPath ${JSON.stringify(path)}`);
  }
}

const CPU_UNITS: Record<string, number> = { m: 1e-3, '': 1 };
const MEM_SUFFIX: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** A resource.Quantity as a number (cores for cpu, bytes for memory); undefined if unparseable. */
export function quantity(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(q).trim());
  if (!m) return undefined;
  const unit = m[2] ?? '';
  const factor = CPU_UNITS[unit] ?? MEM_SUFFIX[unit];
  return factor === undefined ? undefined : Number(m[1]) * factor;
}

function resourceField(c: V1Container, resource: string, divisor: string | undefined): string {
  const [kind, name] = resource.split('.') as ['limits' | 'requests', string];
  const raw = c.resources?.[kind]?.[name];
  const value = quantity(raw);
  if (value === undefined) return '0';
  const div = quantity(divisor ?? (name === 'cpu' ? '1' : '1')) ?? 1;
  // The kubelet rounds up (ExtractContainerResourceValue uses math.Ceil).
  return String(Math.ceil(value / div));
}

/** $(VAR) expansion (third_party/forked/golang/expansion): $$ escapes, unknown references stay as written. */
export function expand(input: string, vars: Map<string, string>): string {
  return input.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name: string | undefined) =>
    name === undefined ? '$' : (vars.get(name) ?? all),
  );
}

/** The environment of container `c` of `pod`, in kubelet order. */
export async function containerEnv(pod: V1Pod, c: V1Container, sources: EnvSources): Promise<Map<string, string>> {
  const vars = new Map<string, string>();
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref?.name) continue;
    const data = await (from.configMapRef ? sources.configMap(ref.name) : sources.secret(ref.name));
    if (!data) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${from.configMapRef ? 'configmap' : 'secret'} "${ref.name}" not found`);
    }
    for (const [k, v] of Object.entries(data)) vars.set(`${from.prefix ?? ''}${k}`, v);
  }
  for (const e of c.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) {
      vars.set(e.name, expand(e.value ?? '', vars));
    } else if (vf.fieldRef) {
      vars.set(e.name, fieldRef(pod, vf.fieldRef.fieldPath));
    } else if (vf.resourceFieldRef) {
      const target = vf.resourceFieldRef.containerName
        ? pod.spec?.containers.find((x) => x.name === vf.resourceFieldRef?.containerName)
        : c;
      vars.set(e.name, target ? resourceField(target, vf.resourceFieldRef.resource, vf.resourceFieldRef.divisor) : '0');
    } else {
      const ref = vf.configMapKeyRef ?? vf.secretKeyRef;
      if (!ref) continue;
      const kind = vf.configMapKeyRef ? 'configmap' : 'secret';
      const data = await (vf.configMapKeyRef ? sources.configMap(ref.name ?? '') : sources.secret(ref.name ?? ''));
      const value = data?.[ref.key];
      if (value === undefined) {
        if (ref.optional) continue;
        throw new ContainerConfigError(
          data
            ? `couldn't find key ${ref.key} in ${kind} ${pod.metadata?.namespace}/${ref.name}`
            : `${kind} "${ref.name}" not found`,
        );
      }
      vars.set(e.name, value);
    }
  }
  return vars;
}

/** What the runner sets around the pod's own variables: identity defaults, network overrides. */
export interface PlatformEnv {
  defaults: Record<string, string>;
  overrides: Record<string, string>;
}

/** One instance's process environment, later entries winning: the image's own ENV (its version),
 * the runner's defaults, the pod's variables, then the runner's overrides (the host's network). */
export function processEnv(version: string, env: Map<string, string>, platform: PlatformEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    KUBEBLINK_APP_VERSION: version,
    ...platform.defaults,
    ...Object.fromEntries(env),
    ...platform.overrides,
  };
}

/** The port the app listens on, in the container's numbering: the KUBEBLINK_HTTP_PORT the pod gives
 * it, else its first containerPort, else the demo app's default 8080. */
export function appPort(env: Map<string, string>, c: V1Container): number {
  const declared = Number(env.get('KUBEBLINK_HTTP_PORT'));
  return Number.isInteger(declared) && declared > 0 ? declared : (c.ports?.[0]?.containerPort ?? 8080);
}
