// Server-side apply, delete and wait-until-gone for a list of objects, through client-node's
// KubernetesObjectApi (it finds each kind's REST path by discovery, so CRDs work too).
import { setTimeout as delay } from 'node:timers/promises';
import {
  ApiException,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';

export interface ApplyOptions {
  /** Namespace for namespaced objects that name none (default: the object's own, else "default"). */
  namespace?: string;
  /** Server-side apply field manager (default "kubeblink"). */
  fieldManager?: string;
}

const notFound = (err: unknown) => err instanceof ApiException && err.code === 404;

/** KubernetesObjectApi with its discovery lookup made public: we need to know which kinds are namespaced. */
class ObjectApi extends KubernetesObjectApi {
  static of(kc: KubeConfig): ObjectApi {
    const api = kc.makeApiClient(ObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }
  kindInfo(apiVersion: string, kind: string) {
    return this.resource(apiVersion, kind);
  }
}

async function placed(api: ObjectApi, obj: KubernetesObject, ns: string | undefined) {
  if (!ns || obj.metadata?.namespace) return obj;
  const res = await api.kindInfo(obj.apiVersion ?? '', obj.kind ?? '');
  if (!res) throw new Error(`the cluster does not know ${obj.kind} (${obj.apiVersion})`);
  return res.namespaced ? { ...obj, metadata: { ...obj.metadata, namespace: ns } } : obj;
}

const label = (o: KubernetesObject) => `${o.kind}/${o.metadata?.name}`;

/** Applies the objects in order (server-side apply with force: our manifests own their fields). */
export async function applyObjects(
  kc: KubeConfig,
  objs: readonly KubernetesObject[],
  o: ApplyOptions = {},
): Promise<KubernetesObject[]> {
  const api = ObjectApi.of(kc);
  const out: KubernetesObject[] = [];
  for (const obj of objs) {
    const spec = await placed(api, obj, o.namespace);
    try {
      out.push(
        await api.patch(spec, undefined, undefined, o.fieldManager ?? 'kubeblink', true, PatchStrategy.ServerSideApply),
      );
    } catch (err) {
      throw new Error(`applying ${label(obj)}: ${describe(err)}`);
    }
  }
  return out;
}

export interface DeleteOptions {
  namespace?: string;
  /** Foreground (default) deletes a Deployment's pods before the Deployment itself is gone. */
  propagationPolicy?: 'Foreground' | 'Background';
}

/** Deletes in reverse order (a Namespace listed first goes last); objects already gone are fine. */
export async function deleteObjects(
  kc: KubeConfig,
  objs: readonly KubernetesObject[],
  o: DeleteOptions = {},
): Promise<void> {
  const api = ObjectApi.of(kc);
  for (const obj of [...objs].reverse()) {
    try {
      const spec = await placed(api, obj, o.namespace);
      await api.delete(spec, undefined, undefined, undefined, undefined, o.propagationPolicy ?? 'Foreground');
    } catch (err) {
      if (!notFound(err)) throw new Error(`deleting ${label(obj)}: ${describe(err)}`);
    }
  }
}

export interface WaitOptions {
  namespace?: string;
  /** Default 120 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Resolves when every object reads as 404 (finalizers and graceful pod deletion done). */
export async function waitGone(kc: KubeConfig, objs: readonly KubernetesObject[], o: WaitOptions = {}): Promise<void> {
  const api = ObjectApi.of(kc);
  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  let left = [...objs];
  while (left.length) {
    const still: KubernetesObject[] = [];
    for (const obj of left) {
      try {
        await api.read((await placed(api, obj, o.namespace)) as Parameters<typeof api.read>[0]);
        still.push(obj);
      } catch (err) {
        if (!notFound(err)) throw new Error(`reading ${label(obj)}: ${describe(err)}`);
      }
    }
    left = still;
    if (!left.length) return;
    if (Date.now() > deadline)
      throw new Error(`still there after ${o.timeoutMs ?? 120_000} ms: ${left.map(label).join(', ')}`);
    // Polling, not a watch: deletions of mixed kinds have no single watch, and this runs once at clean-up.
    await delay(250, undefined, { signal: o.signal });
  }
}

function describe(err: unknown): string {
  if (err instanceof ApiException) {
    const body = typeof err.body === 'string' ? safeMessage(err.body) : undefined;
    return `HTTP ${err.code}${body ? `: ${body}` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}

function safeMessage(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body.slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}
