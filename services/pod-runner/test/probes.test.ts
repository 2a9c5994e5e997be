import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { PROBE_USER_AGENT, ProbeState, probePort, probeSpec, runProbe } from '../src/probes.ts';

const spec = (o: Parameters<typeof probeSpec>[0]) => probeSpec(o) ?? assert.fail('no spec');

describe('probe state machine (kubelet prober worker)', () => {
  it('applies the API defaults', () => {
    const s = spec({ httpGet: { path: '/healthz', port: 'http' } });
    assert.deepEqual(
      { ...s, action: undefined },
      {
        initialDelayMs: 0,
        periodMs: 10_000,
        timeoutMs: 1_000,
        successThreshold: 1,
        failureThreshold: 3,
        terminationGraceMs: undefined,
        action: undefined,
      },
    );
    assert.deepEqual(s.action, { kind: 'http', scheme: 'http', port: 'http', path: '/healthz', headers: {} });
  });

  it('starts readiness as failure and needs successThreshold successes in a row', () => {
    const r = new ProbeState('readiness', spec({ httpGet: { port: 8080 }, successThreshold: 2, failureThreshold: 2 }));
    assert.equal(r.result, 'failure');
    assert.equal(r.observe(true), false);
    assert.equal(r.observe(false), false); // the run restarts
    assert.equal(r.observe(true), false);
    assert.equal(r.observe(true), true);
    assert.equal(r.result, 'success');
    assert.equal(r.observe(false), false); // one failure is below failureThreshold
    assert.equal(r.result, 'success');
    assert.equal(r.observe(false), true);
    assert.equal(r.result, 'failure');
    assert.equal(r.onHold, false); // readiness keeps probing: the pod can become ready again
    assert.equal(r.observe(true), false);
    assert.equal(r.observe(true), true);
  });

  it('starts liveness as success; failureThreshold failures fail it and put it on hold', () => {
    const l = new ProbeState(
      'liveness',
      spec({ httpGet: { port: 8080 }, failureThreshold: 3, initialDelaySeconds: 5 }),
    );
    assert.equal(l.result, 'success');
    assert.equal(l.due(4_999), false);
    assert.equal(l.due(5_000), true);
    l.observe(false);
    l.observe(false);
    assert.equal(l.result, 'success');
    assert.equal(l.observe(false), true);
    assert.equal(l.result, 'failure');
    assert.equal(l.onHold, true);
    assert.equal(l.due(60_000), false);
  });

  it('starts startup as unknown', () => {
    const s = new ProbeState('startup', spec({ tcpSocket: { port: 8080 } }));
    assert.equal(s.result, 'unknown');
    assert.equal(s.observe(true), true);
    assert.equal(s.result, 'success');
  });

  it('resolves named ports through the container ports', () => {
    const c = { name: 'app', ports: [{ name: 'http', containerPort: 8080 }] };
    assert.equal(probePort('http', c), 8080);
    assert.equal(probePort(9090, c), 9090);
    assert.equal(probePort('9091', c), 9091);
    assert.equal(probePort('metrics', c), undefined);
  });
});

describe('runProbe against a real server', () => {
  it('counts 200-399 as success, anything else or no answer as failure, and sends kube-probe headers', async () => {
    const seen: Record<string, string | undefined>[] = [];
    const server = createServer((req, res) => {
      seen.push({ ua: req.headers['user-agent'], custom: req.headers['x-probe'] as string | undefined });
      const code = Number(req.url?.slice(1)) || 200;
      if (code === 999) return; // never answers: the timeout decides
      res.writeHead(code).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const http = (path: string) => ({
      kind: 'http' as const,
      scheme: 'http' as const,
      port,
      path,
      headers: { 'X-Probe': 'yes' },
    });
    try {
      assert.equal(await runProbe(http('/200'), port, 1000), true);
      assert.equal(await runProbe(http('/302'), port, 1000), true);
      assert.equal(await runProbe(http('/503'), port, 1000), false);
      assert.equal(await runProbe(http('/999'), port, 200), false);
      assert.equal(await runProbe({ kind: 'tcp', port }, port, 1000), true);
      assert.deepEqual(seen[0], { ua: PROBE_USER_AGENT, custom: 'yes' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    assert.equal(await runProbe({ kind: 'tcp', port }, port, 1000), false); // nothing listens any more
  });
});
