// Probes with the kubelet's semantics (pkg/kubelet/prober/worker.go): a result must repeat
// successThreshold / failureThreshold times in a row before it counts; readiness starts as
// failure, liveness as success, startup as unknown; a liveness or startup failure puts the worker
// on hold until the container is replaced; liveness and readiness wait for startup to succeed.
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { V1Container, V1Probe } from '@kubernetes/client-node';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
export type ProbeResult = 'success' | 'failure' | 'unknown';

export type ProbeAction =
  | { kind: 'http'; scheme: 'http' | 'https'; port: number | string; path: string; headers: Record<string, string> }
  | { kind: 'tcp'; port: number | string }
  | { kind: 'unsupported'; what: string };

export interface ProbeSpec {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
  /** probe.terminationGracePeriodSeconds, for liveness/startup kills. */
  terminationGraceMs?: number;
  action: ProbeAction;
}

/** The probe with the API server's defaults (pkg/apis/core/v1/defaults.go SetDefaults_Probe). */
export function probeSpec(p: V1Probe | undefined): ProbeSpec | undefined {
  if (!p) return undefined;
  let action: ProbeAction;
  if (p.httpGet) {
    const headers: Record<string, string> = {};
    for (const h of p.httpGet.httpHeaders ?? []) headers[h.name] = h.value;
    action = {
      kind: 'http',
      scheme: p.httpGet.scheme === 'HTTPS' ? 'https' : 'http',
      port: p.httpGet.port as number | string,
      path: p.httpGet.path || '/',
      headers,
    };
  } else if (p.tcpSocket) {
    action = { kind: 'tcp', port: p.tcpSocket.port as number | string };
  } else {
    action = { kind: 'unsupported', what: p.exec ? 'exec' : p.grpc ? 'grpc' : 'empty' };
  }
  return {
    initialDelayMs: (p.initialDelaySeconds ?? 0) * 1000,
    periodMs: (p.periodSeconds || 10) * 1000,
    timeoutMs: (p.timeoutSeconds || 1) * 1000,
    successThreshold: p.successThreshold || 1,
    failureThreshold: p.failureThreshold || 3,
    terminationGraceMs:
      p.terminationGracePeriodSeconds === undefined ? undefined : p.terminationGracePeriodSeconds * 1000,
    action,
  };
}

/** The port number a probe's (possibly named) port refers to, in the container's own numbering. */
export function probePort(port: number | string, c: V1Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^[0-9]+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

/** One probe of one container instance: the kubelet worker's result bookkeeping. */
export class ProbeState {
  readonly kind: ProbeKind;
  readonly spec: ProbeSpec;
  result: ProbeResult;
  private last: ProbeResult | undefined;
  private run = 0;
  /** A liveness/startup failure stops probing until the container is replaced. */
  onHold = false;

  constructor(kind: ProbeKind, spec: ProbeSpec) {
    this.kind = kind;
    this.spec = spec;
    this.result = kind === 'readiness' ? 'failure' : kind === 'liveness' ? 'success' : 'unknown';
  }

  /** Should a probe run now, `sinceStartMs` after the container started? */
  due(sinceStartMs: number): boolean {
    return !this.onHold && sinceStartMs >= this.spec.initialDelayMs;
  }

  /** Records one probe outcome; returns true when the published result changed. */
  observe(ok: boolean): boolean {
    const r: ProbeResult = ok ? 'success' : 'failure';
    if (this.last === r) this.run++;
    else {
      this.last = r;
      this.run = 1;
    }
    if (
      (r === 'failure' && this.run < this.spec.failureThreshold) ||
      (r === 'success' && this.run < this.spec.successThreshold)
    )
      return false;
    const changed = this.result !== r;
    this.result = r;
    if (r === 'failure' && this.kind !== 'readiness') {
      this.onHold = true;
      this.run = 0;
    }
    return changed;
  }
}

export const PROBE_USER_AGENT = 'kube-probe/1.36';

export interface ProbeOutcome {
  ok: boolean;
  /** Why it failed, worded as the kubelet's probe messages. */
  detail?: string;
}

/** Runs one probe action against 127.0.0.1:port: success on HTTP 200-399, or a TCP connect.
 * `shown` is the address the pod has in the API (podIP:containerPort), for the messages. */
export function probe(
  action: ProbeAction,
  port: number,
  timeoutMs: number,
  shown = `127.0.0.1:${port}`,
): Promise<ProbeOutcome> {
  if (action.kind === 'unsupported') return Promise.resolve({ ok: true });
  return new Promise((resolve) => {
    let done = false;
    const finish = (ok: boolean, detail?: string) => {
      if (!done) {
        done = true;
        resolve({ ok, detail });
      }
    };
    const dial = (err: NodeJS.ErrnoException) =>
      `dial tcp ${shown}: connect: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`;
    if (action.kind === 'tcp') {
      const s = connect({ host: '127.0.0.1', port, timeout: timeoutMs }, () => {
        s.destroy();
        finish(true);
      });
      s.on('timeout', () => {
        s.destroy();
        finish(false, `dial tcp ${shown}: i/o timeout`);
      });
      s.on('error', (err) => finish(false, dial(err)));
      return;
    }
    const url = `${action.scheme}://${shown}${action.path}`;
    const req = (action.scheme === 'https' ? httpsRequest : request)(
      {
        host: '127.0.0.1',
        port,
        path: action.path,
        method: 'GET',
        headers: { 'User-Agent': PROBE_USER_AGENT, Accept: '*/*', Connection: 'close', ...action.headers },
        timeout: timeoutMs,
        rejectUnauthorized: false, // the kubelet does not verify probe certificates either
        agent: false,
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        finish(code >= 200 && code < 400, `HTTP probe failed with statuscode: ${code}`);
      },
    );
    req.on('timeout', () => {
      req.destroy();
      finish(false, `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`);
    });
    req.on('error', (err) => finish(false, `Get "${url}": ${dial(err)}`));
    req.end();
  });
}

/** probe(), true or false. */
export async function runProbe(action: ProbeAction, port: number, timeoutMs: number): Promise<boolean> {
  return (await probe(action, port, timeoutMs)).ok;
}
